// End-to-end benchmark of a distributed Tapio on NATS JetStream: three `./bin/tapio`
// processes (-mode collectors replaying a recording, -mode transformer, -mode correlation
// with the embedded graph) connected by raw.* and unified.*, every acknowledgement on
// (Nats-Msg-Id de-duplication, stored publish acks, durable consumers acknowledging after
// the handler and, in the correlation stage, after the graph write). The recording is a
// generated Kubernetes API stream shaped like the scenarios (tools/bench/kube-traffic.mjs).
// Measures from the first RawEvent the collectors publish until the correlation stage has
// acknowledged the last UnifiedEvent (the rate `nats bench` reports is likewise its rate once
// running); the time from the collectors' start is printed beside it, and each process's
// CPU before the first RawEvent (loading, connecting, creating streams) is printed apart
// and left out of the CPU per RawEvent. Then the peer on the same server: `nats bench` publishing and
// consuming as many messages of the recording's mean RawEvent size (tools/bench/
// nats-bench-peer.mjs); the ratio is Tapio's RawEvents/s to the slower of its two rates.
// Runs against the BUILT packages (npm run build first); starts its own nats-server.
//
// `--cpu-prof DIR` writes a V8 CPU profile of each process into DIR. `--workers N` runs N
// correlation workers, each `-partition i` of `bus.nats.partitions: N` (the server routes
// the partitions), in place of one; `--transformers N` likewise N transformers, each
// `-partition i` of the raw stream. `--validate raw` validates only the raw topic
// (bus.nats.consume.validate: [raw]) instead of every topic. `--batch N` sets
// bus.nats.publish.batch.maxEvents (64 by default; 1: every event its own message).
// After the run it reads the insights stream back (nats-final-insights.mjs): insights,
// versions stored and a digest of each insight's last version, to compare builds.
//
//   npm run bench:nats-e2e -- [--events 100000] [--workers 1] [--transformers 1] [--validate raw] [--batch 64] [--json] [--nats-cli PATH] [--cpu-prof DIR]
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { startNatsServer } from '../nats/nats-server.mjs';
import { findNatsCli, natsBench } from './nats-bench-peer.mjs';
import { finalInsights } from './nats-final-insights.mjs';
import { PREFIX, backlog, stopAll, storedEvents, tapio as stage, waitFor, writeConfig, writeRecording } from './nats-stages.mjs';
import { cpuSeconds } from './proc-cpu.mjs';
import { option } from './synthetic-graph.mjs';

const flag = (name) => process.argv.includes(`--${name}`);

const EVENTS = Number(option('events', '100000'));
const TARGET = 50_000;
const WORKERS = Number(option('workers', '1'));
const TRANSFORMERS = Number(option('transformers', '1'));
if (WORKERS > 1 && TRANSFORMERS > 1 && WORKERS !== TRANSFORMERS) throw new Error('--workers and --transformers: one of them 1, or both equal (bus.nats.partitions serves both)');
const PARTITIONS = Math.max(WORKERS, TRANSFORMERS);
const VALIDATE = option('validate');
const BATCH = option('batch');
const PROFILE_DIR = option('cpu-prof');
const tapio = (mode, config, dir, partition) => stage(mode, config, dir, partition, PROFILE_DIR);

/**
 * Messages each stream of the run was given (its last sequence: the transformer state's
 * messages are replaced or purged as it goes) and the bytes it keeps: what the server
 * stored and acknowledged, besides deliveries and acknowledgements.
 */
async function storedMessages(jsm) {
  const stored = {};
  for await (const info of jsm.streams.list()) {
    if (info.config.name.startsWith(`${PREFIX}_`)) stored[info.config.name.slice(PREFIX.length + 1)] = { messages: info.state.last_seq, bytes: info.state.bytes };
  }
  return stored;
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'tapio-bench-e2e-'));
  const nats = await startNatsServer();
  const procs = [];
  let connection;
  try {
    const recording = join(dir, 'traffic.ndjson');
    const { raws, unified, meanBytes } = await writeRecording(recording, EVENTS);
    const config = join(dir, 'tapio.yaml');
    await writeConfig(config, { natsUrl: nats.url, recording, unified, partitions: PARTITIONS, validate: VALIDATE, batch: BATCH });
    connection = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(connection);
    // The consuming stages first, so their durable consumers exist before anything is published.
    if (WORKERS > 1) for (let index = 0; index < WORKERS; index += 1) procs.push(tapio('correlation', config, dir, index));
    else procs.push(tapio('correlation', config, dir));
    if (TRANSFORMERS > 1) for (let index = 0; index < TRANSFORMERS; index += 1) procs.push(tapio('transformer', config, dir, index));
    else procs.push(tapio('transformer', config, dir));
    await waitFor('the transformer and correlation consumers', async () => {
      const raw = await backlog(jsm, `${PREFIX}_RAW`).catch(() => undefined);
      const uni = await backlog(jsm, `${PREFIX}_UNIFIED`).catch(() => undefined);
      return raw?.consumers >= (TRANSFORMERS > 1 ? 2 * TRANSFORMERS : 1) && uni?.consumers >= (WORKERS > 1 ? 2 * WORKERS : 1);
    }, 120_000, procs);

    const loadBefore = loadavg()[0];
    const serverCpuBefore = cpuSeconds(nats.pid);
    // The consuming stages started before the clock: what their start-up cost (loading,
    // connecting, creating streams and consumers) is not part of the run, as the server's
    // CPU before it is not. The collectors start inside the run and keep theirs.
    const startupCpu = Object.fromEntries(procs.map((proc) => [proc.mode, cpuSeconds(proc.child.pid) ?? 0]));
    const started = performance.now();
    // The steady clock starts with the first RawEvent on the wire (a plain subscription sees
    // the collectors' first publish): what nats bench reports is its rate once running, so
    // the peer ratio is taken from there; the collectors' start-up (loading, connecting,
    // reading the recording's first lines) is printed beside it.
    const firstRaw = new Promise((resolve) => {
      const subscription = connection.subscribe(`${PREFIX.toLowerCase()}.raw.>`, { max: 1 });
      (async () => {
        for await (const _message of subscription) resolve({ at: performance.now(), collectors: cpuSeconds(procs.find((proc) => proc.mode === 'collectors')?.child.pid) ?? 0, server: cpuSeconds(nats.pid) });
      })();
    });
    procs.push(tapio('collectors', config, dir));
    let rawDone;
    let finished;
    const js = jetstream(connection);
    // Streams hold messages, each one event or a batch envelope of several: when nothing is
    // left unacknowledged, the time and CPU are taken, then the stored events are counted
    // (reading the streams costs the server CPU that is not Tapio's: it comes after).
    const snapshot = () => ({ at: performance.now(), cpu: Object.fromEntries(procs.map((proc) => [proc.mode, cpuSeconds(proc.child.pid)])), server: cpuSeconds(nats.pid) });
    let quiet;
    /** When the raw stream had each message count with nothing open: the transformer's finish is the first at the final count. */
    const rawDrained = new Map();
    await waitFor('every UnifiedEvent correlated and acknowledged', async () => {
      const raw = await backlog(jsm, `${PREFIX}_RAW`);
      if (raw.open !== 0) return (quiet = undefined);
      if (!rawDrained.has(raw.messages)) rawDrained.set(raw.messages, performance.now());
      const uni = await backlog(jsm, `${PREFIX}_UNIFIED`);
      if (uni.open !== 0) return (quiet = undefined);
      const counts = `${raw.messages}/${uni.messages}`;
      // Still for one poll (an event still on its way between two stages shows in the next).
      if (quiet?.counts !== counts) return void (quiet = { counts, ...snapshot() });
      const rawEvents = await storedEvents(js, jsm, `${PREFIX}_RAW`);
      if (rawEvents < raws) return (quiet = undefined);
      rawDone = rawDrained.get(raw.messages);
      if ((await storedEvents(js, jsm, `${PREFIX}_UNIFIED`)) < unified) return (quiet = undefined);
      finished = quiet;
      return true;
    }, 1_800_000, procs);
    const seconds = (finished.at - started) / 1000;
    const rate = raws / seconds;
    const first = await firstRaw;
    const steadySeconds = (finished.at - first.at) / 1000;
    const steadyRate = raws / steadySeconds;
    startupCpu.collectors = first.collectors;
    const cpu = Object.fromEntries(Object.entries(finished.cpu).map(([mode, value]) => [mode, (value ?? 0) - (startupCpu[mode] ?? 0)]));
    cpu.server = finished.server - serverCpuBefore;
    await stopAll(procs);
    const stored = await storedMessages(jsm);
    const insights = await finalInsights(js, jsm, `${PREFIX}_INSIGHTS`);
    const cli = findNatsCli(option('nats-cli'));
    // The peer's CPU: the nats CLI (a reaped child of this process) and the server during its run.
    const [cliCpuBefore, serverCpuBeforePeer] = [cpuSeconds('self', true), cpuSeconds(nats.pid)];
    const peer = cli ? await natsBench(cli, nats.url, raws, meanBytes) : { error: 'the nats CLI could not be built (Go module proxy), pass --nats-cli PATH' };
    const peerCpu = { cli: cpuSeconds('self', true) - cliCpuBefore, server: cpuSeconds(nats.pid) - serverCpuBeforePeer };
    const tapioCpu = Object.values(cpu).reduce((sum, value) => sum + (value ?? 0), 0);
    const cpuRatio = peer.error ? undefined : (peerCpu.cli + peerCpu.server) / tapioCpu;
    const peerRate = peer.error ? undefined : Math.min(peer.publish, peer.consume);
    const ratio = peerRate ? steadyRate / peerRate : undefined;
    if (flag('json')) {
      process.stdout.write(`${JSON.stringify({ workers: WORKERS, transformers: TRANSFORMERS, batch: Number(BATCH ?? 64), validate: VALIDATE ?? 'all', raws, unified, meanBytes, seconds, rawEventsPerSecond: steadyRate, withStartSeconds: seconds, withStartRawEventsPerSecond: rate, stored, insights, peer, peerRate, ratio, cpu, startupCpu, peerCpu, cpuRatio, loadAverage: [loadBefore, loadavg()[0]] })}\n`);
      return;
    }

    console.log(`Tapio end-to-end on NATS JetStream: ./bin/tapio -mode collectors | -mode transformer | -mode correlation (embedded graph)${WORKERS > 1 ? `, ${WORKERS} correlation workers` : ''}${TRANSFORMERS > 1 ? `, ${TRANSFORMERS} transformers` : ''}${PARTITIONS > 1 ? ` (${PARTITIONS} partitions)` : ''}; batch envelopes of at most ${BATCH ?? 64} events; validating ${VALIDATE ?? 'every topic'}`);
    console.log(`  machine:      node ${process.version}, ${availableParallelism()} CPUs, load average ${loadBefore.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`);
    console.log(`  stream:       ${raws} RawEvents (kubeapi watch events) -> ${unified} UnifiedEvents, all acknowledged`);
    console.log(`  transformer:  every RawEvent transformed and acknowledged ${((rawDone - first.at) / 1000).toFixed(1)} s after the first was published (${Math.round(raws / ((rawDone - first.at) / 1000)).toLocaleString('en-US')} RawEvents/s)`);
    console.log(`  end to end:   ${steadySeconds.toFixed(1)} s from the first RawEvent published = ${Math.round(steadyRate).toLocaleString('en-US')} RawEvents/s (${Math.round(unified / steadySeconds).toLocaleString('en-US')} UnifiedEvents/s) through correlation into the graph; target >= ${TARGET.toLocaleString('en-US')}: ${steadyRate >= TARGET ? 'met' : 'MISSED'}`);
    console.log(`  with start:   ${seconds.toFixed(1)} s from the collectors' start = ${Math.round(rate).toLocaleString('en-US')} RawEvents/s (their start-up: ${((first.at - started) / 1000).toFixed(2)} s)`);
    const perEvent = (seconds) => `${Math.round((1e6 * seconds) / raws)} µs`;
    console.log(`  stored:       ${Object.entries(stored).map(([name, { messages, bytes }]) => `${name} ${messages} messages (${(bytes / 1e6).toFixed(1)} MB kept)`).join(', ')}: ${(Object.values(stored).reduce((sum, { messages }) => sum + messages, 0) / raws).toFixed(3)} messages per RawEvent`);
    console.log(`  insights:     ${insights.insights} insights, ${insights.versions} versions stored; last versions' digest ${insights.digest}`);
    console.log(`  CPU:          ${Object.entries(cpu).map(([mode, value]) => `${mode} ${value?.toFixed(1)} s (${perEvent(value)})`).join(', ')}: ${perEvent(tapioCpu)} per RawEvent in all`);
    console.log(`  start-up:     ${Object.entries(startupCpu).map(([mode, value]) => `${mode} ${value.toFixed(2)} s`).join(', ')} of CPU before the first RawEvent was published, not counted above`);
    if (peer.error) console.log(`  peer:         nats bench failed: ${peer.error}`);
    else console.log(`  peer:         nats bench on the same server, ${raws} messages of ${meanBytes} B (msg ids, file store): publish ${peer.publish.toLocaleString('en-US')} msgs/s, consume ${peer.consume.toLocaleString('en-US')} msgs/s; ratio ${ratio.toFixed(3)} (target >= 0.5)`);
    if (!peer.error) console.log(`  peer CPU:     nats CLI ${peerCpu.cli.toFixed(1)} s + server ${peerCpu.server.toFixed(1)} s for publish and consume (${perEvent(peerCpu.cli + peerCpu.server)} per message); CPU ratio peer/Tapio ${cpuRatio.toFixed(3)}`);
  } finally {
    await stopAll(procs);
    await connection?.close();
    await nats.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
