// The correlation stage alone on NATS JetStream, one worker beside N partitioned workers:
// the gain of a second worker that issue 17 asks for, measured where it can show. The whole
// path (nats-e2e.mjs) runs the collectors, the transformer, nats-server and the workers at
// once, so on a 2-core machine a second worker finds no free core. Here each run first fills
// the unified stream (./bin/tapio -mode collectors and -mode transformer, then stopped),
// then starts the correlation workers (-mode correlation -partition i of
// bus.nats.partitions: N) on the full stream and times them until every UnifiedEvent is
// acknowledged, start-up included. Each run has its own fresh nats-server; the same
// recording for all. Prints the rate of each run, the CPU of each worker and of the
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
import { PREFIX, backlog, stopAll, storedEvents, tapio, waitFor, writeConfig, writeRecording } from './nats-stages.mjs';
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
    await waitFor('every RawEvent transformed', async () => {
      const raw = await backlog(jsm, `${PREFIX}_RAW`);
      if (raw.open !== 0 || (await storedEvents(js, jsm, `${PREFIX}_RAW`)) < counts.raws) return false;
      return (await storedEvents(js, jsm, `${PREFIX}_UNIFIED`)) >= counts.unified;
    }, 1_800_000, procs);
  } finally {
    await stopAll(procs);
    await connection.close();
  }
  return config;
}

/** Starts `workers` correlation workers on the filled stream; the time and CPU until all is acknowledged. */
async function drain(dir, nats, config, workers) {
  const connection = await connect({ servers: nats.url });
  const jsm = await jetstreamManager(connection);
  const procs = [];
  try {
    const loadBefore = loadavg()[0];
    const serverBefore = cpuSeconds(nats.pid);
    const started = performance.now();
    if (workers > 1) for (let index = 0; index < workers; index += 1) procs.push(tapio('correlation', config, dir, index));
    else procs.push(tapio('correlation', config, dir));
    // A partitioned worker has two durable consumers (its partition, the cluster-scoped events).
    const consumers = workers > 1 ? 2 * workers : 1;
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
    return { workers, seconds: (finished.at - started) / 1000, workerCpu: finished.cpu, serverCpu: finished.server - serverBefore, loadAverage: [loadBefore, loadavg()[0]] };
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
    const rate = (run) => counts.raws / run.seconds;
    const cpuOf = (run) => run.workerCpu.reduce((sum, cpu) => sum + (cpu ?? 0), 0) + run.serverCpu;
    // Cores a run kept busy: one worker already uses more than one (V8's GC and compiler
    // threads beside the JavaScript thread), which bounds what a second one can add.
    const coresUsed = (run) => cpuOf(run) / run.seconds;
    const gain = rate(many) / rate(one);
    const cores = availableParallelism();
    const ideal = Math.min(WORKERS, cores);
    const ceiling = Math.min(cores, WORKERS * coresUsed(one)) / coresUsed(one);
    // The work the N workers do for the same stream, beside one worker's: 1 when a partition costs nothing extra.
    const cpuEfficiency = cpuOf(one) / cpuOf(many);
    if (JSON_OUT) {
      process.stdout.write(`${JSON.stringify({ ...counts, runs: runs.map((run) => ({ ...run, rawEventsPerSecond: rate(run), coresUsed: coresUsed(run) })), gain, ideal, efficiency: gain / ideal, ceiling, cpuEfficiency })}\n`);
      return;
    }
    const perEvent = (seconds) => `${Math.round((1e6 * seconds) / counts.raws)} µs`;
    console.log(`Correlation stage alone on NATS JetStream: ${counts.raws} RawEvents -> ${counts.unified} UnifiedEvents in the unified stream, then drained by the workers (start-up included); node ${process.version}, ${availableParallelism()} CPUs`);
    for (const run of runs) {
      console.log(`  ${String(run.workers).padStart(2)} worker(s): ${run.seconds.toFixed(1)} s = ${Math.round(rate(run)).toLocaleString('en-US')} RawEvents/s; CPU ${run.workerCpu.map((cpu) => `${cpu.toFixed(1)} s (${perEvent(cpu)})`).join(' + ')}, nats-server ${run.serverCpu.toFixed(1)} s: ${coresUsed(run).toFixed(2)} cores busy; load ${run.loadAverage[0].toFixed(1)} -> ${run.loadAverage[1].toFixed(1)}`);
    }
    console.log(`  gain of ${WORKERS} workers over one: ${gain.toFixed(2)}x; linear on ${ideal} cores would be ${ideal.toFixed(2)}x (efficiency ${(gain / ideal).toFixed(2)})`);
    console.log(`  the cores allow at most ${ceiling.toFixed(2)}x (one worker's run kept ${coresUsed(one).toFixed(2)} of ${cores} busy): ${(gain / ceiling).toFixed(2)} of that; CPU for the same stream, one worker's / ${WORKERS} workers': ${cpuEfficiency.toFixed(2)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
