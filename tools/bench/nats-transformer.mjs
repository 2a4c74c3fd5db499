// The NATS transformer stage alone, beside the same transform in process: what running it as
// its own process on JetStream costs beyond the transform itself. The raw stream of a fresh
// nats-server is filled first by `./bin/tapio -mode collectors` (then stopped), so nothing else
// shares the cores while one `-mode transformer` drains it; the clock starts once its durable
// consumer has delivered (its start-up CPU before that is printed apart, as `nats bench`
// reports its rate once running) and stops when every RawEvent is acknowledged, i.e. its
// UnifiedEvents and its state are stored. Beside it, in a fresh process, the same recording
// through the in-process transform stage (transform-stage.mjs): a bare `JSON.parse` of each
// line, and `Pipeline.transform` with the durable state tracked, CPU per RawEvent each. The NATS stage
// does both and the bus besides (envelopes in and out, the state log, acknowledgements).
// Runs against the BUILT packages (npm run build first); starts and stops its own nats-server.
//
//   npm run bench:nats-transformer -- [--events 30000] [--cpu-prof DIR] [--json]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startNatsServer } from '../nats/nats-server.mjs';
import { PREFIX, backlog, eventTally, stopAll, tapio, waitFor, writeConfig, writeRecording } from './nats-stages.mjs';
import { cpuSeconds } from './proc-cpu.mjs';
import { option } from './synthetic-graph.mjs';
import { loadTransformStage } from './transform-stage.mjs';

const RAW = `${PREFIX}_RAW`;

/**
 * In this (fresh) process: CPU microseconds per line to `JSON.parse` the recording, then to
 * transform it. The transform is given what the NATS stage is given: parsed RawEvents without
 * a depth bound noted from their text (a collector in the same process notes one).
 */
async function inProcess(file) {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const { RawEvent } = await import(new URL('../../libs/domain/dist/index.js', import.meta.url).href);
  const { pipeline, deadLetters } = await loadTransformStage(fileURLToPath(new URL('../..', import.meta.url)));
  let started = process.cpuUsage();
  for (const line of lines) JSON.parse(line);
  const parsed = process.cpuUsage(started);
  const batch = lines.map((line) => RawEvent.parse(JSON.parse(line)));
  started = process.cpuUsage();
  let unified = 0;
  for (const raw of batch) {
    const result = pipeline.transform(raw);
    if (result.ok) unified += result.events.length;
  }
  const transformed = process.cpuUsage(started);
  const micros = (usage) => (usage.user + usage.system) / lines.length;
  return { lines: lines.length, unified, deadLetters: deadLetters.count(), parseMicros: micros(parsed), transformMicros: micros(transformed) };
}

if (process.argv.includes('--in-process')) {
  process.stdout.write(`${JSON.stringify(await inProcess(option('in-process')))}\n`);
  process.exit(0);
}

const EVENTS = Number(option('events', '30000'));
const PROFILE_DIR = option('cpu-prof');

/** Fills the raw stream with the collectors alone, then stops them. */
async function fill(dir, config, counts, js, jsm) {
  const collectors = [tapio('collectors', config, dir)];
  try {
    const raws = eventTally(js, jsm, RAW);
    // The stream exists once the collectors created it; until then there is nothing to count.
    await waitFor('the raw stream filled', async () => (await raws().catch(() => 0)) >= counts.raws, 600_000, collectors);
  } finally {
    await stopAll(collectors);
  }
}

/** One transformer drains the filled stream: time and CPU from the moment it consumes. */
async function drain(dir, config, nats, jsm) {
  const procs = [tapio('transformer', config, dir, undefined, PROFILE_DIR)];
  try {
    const loadBefore = loadavg()[0];
    let running;
    await waitFor('the transformer consuming', async () => {
      for await (const consumer of jsm.consumers.list(RAW)) {
        if (!consumer.config.durable_name || consumer.delivered.stream_seq === 0) continue;
        const { messages } = (await jsm.streams.info(RAW)).state;
        running = { at: performance.now(), cpu: cpuSeconds(procs[0].child.pid), server: cpuSeconds(nats.pid), left: 1 - consumer.ack_floor.stream_seq / messages };
        return true;
      }
      return false;
    }, 600_000, procs, 20);
    let finished;
    await waitFor('every RawEvent acknowledged', async () => {
      if ((await backlog(jsm, RAW)).open !== 0) return false;
      finished = { at: performance.now(), cpu: cpuSeconds(procs[0].child.pid), server: cpuSeconds(nats.pid) };
      return true;
    }, 1_800_000, procs, 20);
    return { seconds: (finished.at - running.at) / 1000, left: running.left, cpu: finished.cpu - running.cpu, server: finished.server - running.server, startupCpu: running.cpu, loadAverage: [loadBefore, loadavg()[0]] };
  } finally {
    await stopAll(procs);
  }
}

const dir = await mkdtemp(join(tmpdir(), 'tapio-bench-transformer-'));
try {
  const recording = join(dir, 'traffic.ndjson');
  const counts = await writeRecording(recording, EVENTS);
  const peer = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--in-process', recording], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (peer.status !== 0) throw new Error(`the in-process transform exited ${peer.status}: ${peer.stderr}`);
  const local = JSON.parse(peer.stdout);
  const nats = await startNatsServer();
  let run;
  try {
    const config = join(dir, 'tapio.yaml');
    await writeConfig(config, { natsUrl: nats.url, recording, unified: counts.unified });
    const connection = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(connection);
      await fill(dir, config, counts, jetstream(connection), jsm);
      run = await drain(dir, config, nats, jsm);
    } finally {
      await connection.close();
    }
  } finally {
    await nats.stop();
  }
  // RawEvents acknowledged after the clock started: the share of the stream left then.
  const measured = counts.raws * run.left;
  const perRaw = (seconds) => (1e6 * seconds) / measured;
  const inProcessMicros = local.parseMicros + local.transformMicros;
  const figures = { raws: counts.raws, unified: counts.unified, meanBytes: counts.meanBytes, seconds: run.seconds, share: run.left, rawEventsPerSecond: measured / run.seconds, stageMicros: perRaw(run.cpu), serverMicros: perRaw(run.server), startupCpu: run.startupCpu, inProcess: local, inProcessMicros, ratio: perRaw(run.cpu) / inProcessMicros, loadAverage: run.loadAverage };
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } else {
    console.log(`NATS transformer stage alone: ${counts.raws} RawEvents of ${counts.meanBytes} B -> ${counts.unified} UnifiedEvents; node ${process.version}, ${availableParallelism()} CPUs, load ${run.loadAverage[0].toFixed(1)} -> ${run.loadAverage[1].toFixed(1)}`);
    console.log(`  stage:       ${run.seconds.toFixed(2)} s for the last ${(100 * run.left).toFixed(1)}% = ${Math.round(figures.rawEventsPerSecond).toLocaleString('en-US')} RawEvents/s; ${figures.stageMicros.toFixed(0)} µs of CPU per RawEvent, nats-server ${figures.serverMicros.toFixed(0)} µs (start-up before it consumed: ${run.startupCpu.toFixed(2)} s of CPU, not counted)`);
    console.log(`  in process:  the same recording, fresh process: parse ${local.parseMicros.toFixed(1)} µs + transform ${local.transformMicros.toFixed(1)} µs = ${inProcessMicros.toFixed(1)} µs of CPU per RawEvent (${local.unified} UnifiedEvents, ${local.deadLetters} dead letters)`);
    console.log(`  ratio:       the NATS stage spends ${figures.ratio.toFixed(1)}x the in-process parse and transform; ${(figures.stageMicros - inProcessMicros).toFixed(0)} µs per RawEvent is the bus's part (envelopes, UnifiedEvents' and state's JSON, state log, acknowledgements)`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
