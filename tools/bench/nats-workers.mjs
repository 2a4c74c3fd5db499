// The correlation stage alone on NATS JetStream, one worker beside N partitioned workers:
// the gain of a second worker that issue 17 asks for, measured where it can show. The whole
// path (nats-e2e.mjs) runs the collectors, the transformer, nats-server and the workers at
// once, so on a 2-core machine a second worker finds no free core. Here each run first fills
// the unified stream (./bin/tapio -mode collectors and -mode transformer, then stopped),
// then starts the correlation workers (-mode correlation -partition i of
// bus.nats.partitions: N) on the full stream and times them until every UnifiedEvent is
// acknowledged. The clock starts once every worker consumes: the work acknowledged before
// then and each worker's start-up CPU are left out (and printed apart), so N workers do not
// pay N start-ups in the figure of their gain. Each run has its own fresh nats-server; the
// same recording for all. Prints the rate of each run, the CPU of each worker and of the
// server, and the gain over one worker beside the ideal (the cores available, at most N).
// Runs against the BUILT packages (npm run build first). BENCH_STAGE_NODE_FLAGS (e.g.
// `--single-threaded`) is passed to every stage's node.
//
//   npm run bench:nats-workers -- [--events 60000] [--workers 2] [--json]
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startNatsServer } from '../nats/nats-server.mjs';
import { PREFIX, backlog, eventTally, stopAll, storedMessages, subjectMatches, tapio, waitFor, writeConfig, writeRecording } from './nats-stages.mjs';
import { cpuSeconds } from './proc-cpu.mjs';
import { option } from './synthetic-graph.mjs';

const EVENTS = Number(option('events', '60000'));
const WORKERS = Number(option('workers', String(Math.max(2, availableParallelism()))));
const JSON_OUT = process.argv.includes('--json');

/** Fills the unified stream of a fresh server with the recording's UnifiedEvents, partitioned `partitions` ways. */
async function fill(dir, nats, recording, counts, partitions) {
  const config = join(dir, `tapio-${partitions}.yaml`);
  await writeConfig(config, { natsUrl: nats.url, recording, unified: counts.unified, partitions });
  const connection = await connect({ servers: nats.url });
  const procs = [tapio('transformer', config, dir)];
  try {
    const jsm = await jetstreamManager(connection);
    const js = jetstream(connection);
    await waitFor('the transformer consumer', async () => (await backlog(jsm, `${PREFIX}_RAW`).catch(() => undefined))?.consumers >= 1, 120_000, procs);
    procs.push(tapio('collectors', config, dir));
    const rawEvents = eventTally(js, jsm, `${PREFIX}_RAW`);
    const unifiedEvents = eventTally(js, jsm, `${PREFIX}_UNIFIED`);
    await waitFor('every RawEvent transformed', async () => {
      const raw = await backlog(jsm, `${PREFIX}_RAW`);
      if (raw.open !== 0 || (await rawEvents()) < counts.raws) return false;
      return (await unifiedEvents()) >= counts.unified;
    }, 1_800_000, procs);
  } finally {
    await stopAll(procs);
    await connection.close();
  }
  return config;
}

/** The filters of a durable consumer (one subject or several; none: the whole stream). */
const filtersOf = (consumer) => consumer.config.filter_subjects ?? (consumer.config.filter_subject ? [consumer.config.filter_subject] : ['>']);

/**
 * Events a consumer must deliver (`total`) and those acknowledged up to its ack floor
 * (`acked`), from the stream's messages read once before the run. A cluster-scoped
 * consumer of each partitioned worker counts its events once per worker: each worker
 * correlates them.
 */
function consumerWork(consumer, messages) {
  const filters = filtersOf(consumer);
  const floor = consumer.ack_floor?.stream_seq ?? 0;
  let total = 0;
  let acked = 0;
  for (const message of messages) {
    if (!filters.some((filter) => subjectMatches(filter, message.subject))) continue;
    total += message.events;
    if (message.seq <= floor) acked += message.events;
  }
  return { total, acked };
}

/**
 * Starts `workers` correlation workers on the filled stream; the time and CPU until all is
 * acknowledged. The clock starts once every worker consumes (each of its consumers has
 * delivered a message, or has none to deliver): the work acknowledged before then, and each
 * process's CPU by then (its start-up), are left out of the measured figures, as `nats bench`
 * reports its rate once running. The figures from the workers' spawn are kept beside them.
 */
async function drain(dir, nats, config, workers) {
  const connection = await connect({ servers: nats.url });
  const jsm = await jetstreamManager(connection);
  const messages = await storedMessages(jetstream(connection), jsm, `${PREFIX}_UNIFIED`);
  const procs = [];
  try {
    const loadBefore = loadavg()[0];
    const serverBefore = cpuSeconds(nats.pid);
    const started = performance.now();
    if (workers > 1) for (let index = 0; index < workers; index += 1) procs.push(tapio('correlation', config, dir, index));
    else procs.push(tapio('correlation', config, dir));
    // A partitioned worker has two durable consumers (its partition, the cluster-scoped events).
    const consumers = workers > 1 ? 2 * workers : 1;
    let running;
    await waitFor('every worker consuming', async () => {
      const found = [];
      for await (const consumer of jsm.consumers.list(`${PREFIX}_UNIFIED`)) if (consumer.config.durable_name) found.push(consumer);
      if (found.length < consumers || !found.every((consumer) => consumer.delivered.stream_seq > 0 || consumer.num_pending + consumer.num_ack_pending === 0)) return false;
      const work = found.map((consumer) => consumerWork(consumer, messages));
      const total = work.reduce((sum, part) => sum + part.total, 0);
      running = { at: performance.now(), cpu: procs.map((proc) => cpuSeconds(proc.child.pid)), server: cpuSeconds(nats.pid), left: (total - work.reduce((sum, part) => sum + part.acked, 0)) / total };
      return true;
    }, 1_800_000, procs, 20);
    // Too short a stream: drained (nearly) before every worker consumed, nothing left to time.
    if (running.left < 0.5) throw new Error(`only ${(100 * running.left).toFixed(1)}% of the stream was left once every worker consumed: run with more --events than ${EVENTS}`);
    let quiet;
    let finished;
    await waitFor('every UnifiedEvent correlated and acknowledged', async () => {
      const uni = await backlog(jsm, `${PREFIX}_UNIFIED`);
      if (uni.consumers < consumers || uni.open !== 0) return (quiet = undefined);
      const snapshot = { at: performance.now(), cpu: procs.map((proc) => cpuSeconds(proc.child.pid)), server: cpuSeconds(nats.pid) };
      // Still for one poll: a worker's last acknowledgements can be on their way.
      if (!quiet) return void (quiet = snapshot);
      finished = quiet;
      return true;
    }, 1_800_000, procs);
    return {
      workers,
      // From the first moment every worker consumes: the share of the work left then, its time and CPU.
      seconds: (finished.at - running.at) / 1000,
      share: running.left,
      workerCpu: finished.cpu.map((cpu, index) => cpu - running.cpu[index]),
      serverCpu: finished.server - running.server,
      startupCpu: running.cpu,
      withStartSeconds: (finished.at - started) / 1000,
      withStartWorkerCpu: finished.cpu,
      withStartServerCpu: finished.server - serverBefore,
      loadAverage: [loadBefore, loadavg()[0]],
    };
  } finally {
    await stopAll(procs);
    await connection.close();
  }
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'tapio-bench-workers-'));
  try {
    const recording = join(dir, 'traffic.ndjson');
    const counts = await writeRecording(recording, EVENTS);
    const runs = [];
    for (const workers of [1, WORKERS]) {
      const nats = await startNatsServer();
      try {
        const config = await fill(dir, nats, recording, counts, workers);
        runs.push(await drain(dir, nats, config, workers));
      } finally {
        await nats.stop();
      }
    }
    const [one, many] = runs;
    // RawEvents whose UnifiedEvents were correlated after the clock started, per second.
    const rate = (run) => (counts.raws * run.share) / run.seconds;
    const withStartRate = (run) => counts.raws / run.withStartSeconds;
    const cpuOf = (run) => run.workerCpu.reduce((sum, cpu) => sum + (cpu ?? 0), 0) + run.serverCpu;
    // Cores a run kept busy: one worker already uses more than one (V8's GC and compiler
    // threads beside the JavaScript thread), which bounds what a second one can add.
    const coresUsed = (run) => cpuOf(run) / run.seconds;
    const gain = rate(many) / rate(one);
    const cores = availableParallelism();
    const ideal = Math.min(WORKERS, cores);
    // CPU seconds (workers and server) per RawEvent correlated after the clock started.
    const cpuPerRaw = (run) => cpuOf(run) / (counts.raws * run.share);
    // What the cores allow: all of them busy at the N workers' CPU per RawEvent, and no more than N times one worker.
    const ceiling = Math.min(cores / cpuPerRaw(many), WORKERS * rate(one)) / rate(one);
    // The work the N workers do per RawEvent, beside one worker's: 1 when a partition costs nothing extra.
    const cpuEfficiency = cpuPerRaw(one) / cpuPerRaw(many);
    if (JSON_OUT) {
      process.stdout.write(`${JSON.stringify({ ...counts, runs: runs.map((run) => ({ ...run, rawEventsPerSecond: rate(run), withStartRawEventsPerSecond: withStartRate(run), coresUsed: coresUsed(run) })), gain, withStartGain: withStartRate(many) / withStartRate(one), ideal, efficiency: gain / ideal, ceiling, cpuEfficiency })}\n`);
      return;
    }
    const perEvent = (seconds, run) => `${Math.round((1e6 * seconds) / (counts.raws * run.share))} µs`;
    console.log(`Correlation stage alone on NATS JetStream: ${counts.raws} RawEvents -> ${counts.unified} UnifiedEvents in the unified stream, then drained by the workers (timed from the moment every worker consumes); node ${process.version}, ${availableParallelism()} CPUs`);
    for (const run of runs) {
      console.log(`  ${String(run.workers).padStart(2)} worker(s): ${run.seconds.toFixed(1)} s for the last ${(100 * run.share).toFixed(1)}% = ${Math.round(rate(run)).toLocaleString('en-US')} RawEvents/s; CPU ${run.workerCpu.map((cpu) => `${cpu.toFixed(1)} s (${perEvent(cpu, run)})`).join(' + ')}, nats-server ${run.serverCpu.toFixed(1)} s: ${coresUsed(run).toFixed(2)} cores busy; load ${run.loadAverage[0].toFixed(1)} -> ${run.loadAverage[1].toFixed(1)}`);
      console.log(`     from the spawn: ${run.withStartSeconds.toFixed(1)} s = ${Math.round(withStartRate(run)).toLocaleString('en-US')} RawEvents/s; start-up CPU before every worker consumed ${run.startupCpu.map((cpu) => `${cpu.toFixed(2)} s`).join(' + ')}`);
    }
    console.log(`  gain of ${WORKERS} workers over one: ${gain.toFixed(2)}x (${(withStartRate(many) / withStartRate(one)).toFixed(2)}x from the spawn); linear on ${ideal} cores would be ${ideal.toFixed(2)}x (efficiency ${(gain / ideal).toFixed(2)})`);
    console.log(`  the cores allow at most ${ceiling.toFixed(2)}x (${cores} cores busy at the ${WORKERS} workers' ${Math.round(1e6 * cpuPerRaw(many))} µs of CPU per RawEvent; one worker's run kept ${coresUsed(one).toFixed(2)} busy): ${(gain / ceiling).toFixed(2)} of that; CPU per RawEvent, one worker's / ${WORKERS} workers': ${cpuEfficiency.toFixed(2)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
