#!/usr/bin/env node
// Correlation engine benchmark (issue 4). Runs against the BUILT packages: `npm run build` first.
//
//   npm run bench:correlation            (node --expose-gc tools/bench/correlation.mjs)
//   BENCH_EVENTS=200000 BENCH_MEMORY_EVENTS=1000000 npm run bench:correlation
//
// 1. Throughput: events/s through CorrelationEngine.process with the five correlators and every
//    built-in pattern, over a 10,000-pod topology (1,000 Deployments x 10 pods on 200 nodes, a
//    Service and a ConfigMap each), on a realistic kubeapi mix (pod status updates carrying
//    object facts, readiness flips, endpoint changes, Kubernetes Events, probe failures, restarts,
//    crash loops, OOM kills, scaling, config edits, rollouts, node pressure); p50/p99/max per event.
// 2. Hot reload: a pattern file written into a watched directory, timed until the engine runs it.
// 3. Memory: heap (with ArrayBuffers) with 1M events in the working window (after a full GC), beside the size of
//    the same events as JSON text.
// BENCH_PEER=1 adds the peer of the throughput runs: a bare JSON.parse of the same events in a
// fresh process, and the engine's events per CPU second as a ratio to its lines per CPU second.
// BENCH_PROFILE=file.cpuprofile samples the measured loop alone (the inspector's profiler, as
// --cpu-prof gives it without the topology and warm-up); tools/bench/cpu-profile-summary.mjs
// prints the shares of the engine's parts from it.
// 4. Long run (BENCH_ONLY=long-run runs it alone): 400K events of the incident mix with a
//    50K-event window, one event every 36 ms (a busy cluster: 4 hours of event time, twice the
//    2 h window, so closed incidents leave); heap after a full GC every 50K events, as a ratio
//    to the heap at 100K (the same run once its window is full): flat means the engine forgets
//    what left the window.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLoopProfile, stopLoopProfile } from './loop-profile.mjs';
import { bareParseOf } from './parse-peer.mjs';
import {
  CorrelationEngine,
  BUILTIN_PATTERN_DIR,
  DirectoryPatternSource,
  loadBuiltinPatterns,
  builtinCorrelators,
} from '@tapio/correlation';
import { DEPLOYMENTS, PODS_PER_DEPLOYMENT, StreamFactory, withMix } from './correlation-stream.mjs';

const THROUGHPUT_EVENTS = Number(process.env.BENCH_EVENTS ?? 500_000);
const MEMORY_EVENTS = Number(process.env.BENCH_MEMORY_EVENTS ?? 1_000_000);

function newEngine(options = {}) {
  const engine = new CorrelationEngine(builtinCorrelators(), undefined, options);
  engine.setPatterns(loadBuiltinPatterns());
  return engine;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

// The peer (BENCH_PEER=1): a bare JSON.parse of the same events, one JSON line each, in a
// fresh process (read the file, split it, parse every line): the least any consumer of
// these events as JSON pays. The CPU of the parse loop alone (not Node's start or the read).

async function bareParsePeer(events) {
  const dir = await mkdtemp(join(tmpdir(), 'tapio-bench-correlation-'));
  try {
    const file = join(dir, 'events.ndjson');
    const text = events.map((event) => JSON.stringify(event)).join('\n');
    await writeFile(file, `${text}\n`);
    const { lines, cpuMicrosPerLine } = bareParseOf(file);
    return { linesPerCpuSecond: Math.round(1e6 / cpuMicrosPerLine), bytesPerEvent: Math.round(Buffer.byteLength(text) / lines) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function throughput(mix) {
  const engine = newEngine();
  const factory = withMix(new StreamFactory(42), mix);
  let topologyEvents = 0;
  const topologyStart = performance.now();
  for (const event of factory.topology()) {
    engine.process(event);
    topologyEvents += 1;
  }
  const topologyMs = performance.now() - topologyStart;
  // Warm-up so the JIT has seen every path, then the measured run.
  for (let i = 0; i < 20_000; i += 1) engine.process(factory.next());
  const events = new Array(THROUGHPUT_EVENTS);
  for (let i = 0; i < THROUGHPUT_EVENTS; i += 1) events[i] = factory.next();
  const latencies = new Float64Array(THROUGHPUT_EVENTS);
  const profiler = process.env.BENCH_PROFILE ? await startLoopProfile() : undefined;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < THROUGHPUT_EVENTS; i += 1) {
    const t0 = performance.now();
    engine.process(events[i]);
    latencies[i] = performance.now() - t0;
  }
  const elapsed = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (profiler) await stopLoopProfile(profiler, process.env.BENCH_PROFILE);
  const sorted = Float64Array.from(latencies).sort();
  const peer = process.env.BENCH_PEER ? await bareParsePeer(events) : undefined;
  // Where the time goes, per event type: what to profile first when a target is missed.
  const byType = new Map();
  for (let i = 0; i < THROUGHPUT_EVENTS; i += 1) {
    const entry = byType.get(events[i].type) ?? { count: 0, totalMs: 0, maxMs: 0 };
    entry.count += 1;
    entry.totalMs += latencies[i];
    entry.maxMs = Math.max(entry.maxMs, latencies[i]);
    byType.set(events[i].type, entry);
  }
  const slowestTypes = [...byType]
    .sort((a, b) => b[1].totalMs - a[1].totalMs)
    .slice(0, 6)
    .map(([type, entry]) => `${type}: ${entry.count} events, ${Math.round(entry.totalMs)} ms total, mean ${(entry.totalMs / entry.count).toFixed(3)} ms, max ${entry.maxMs.toFixed(1)} ms`);
  return {
    mix,
    pods: DEPLOYMENTS * PODS_PER_DEPLOYMENT,
    topologyEvents,
    topologyMs: Math.round(topologyMs),
    events: THROUGHPUT_EVENTS,
    eventsPerSecond: Math.round(THROUGHPUT_EVENTS / (elapsed / 1000)),
    // On a shared machine the wall clock includes time other processes held the CPU; this is per CPU second of this process.
    eventsPerCpuSecond: Math.round(THROUGHPUT_EVENTS / cpuSeconds),
    loadAverage: os.loadavg()[0].toFixed(1),
    p50Ms: +percentile(sorted, 50).toFixed(4),
    p99Ms: +percentile(sorted, 99).toFixed(4),
    p999Ms: +percentile(sorted, 99.9).toFixed(4),
    maxMs: +sorted[sorted.length - 1].toFixed(2),
    insights: engine.insights().length,
    windowEvents: engine.state.size,
    slowestTypes,
    ...(peer ? { peer: `bare JSON.parse of the same events, fresh process: ${peer.linesPerCpuSecond} lines per CPU second (${peer.bytesPerEvent} B each)`, peerLinesPerCpuSecond: peer.linesPerCpuSecond, ratioToPeer: +(THROUGHPUT_EVENTS / cpuSeconds / peer.linesPerCpuSecond).toFixed(3) } : {}),
  };
}

const RELOAD_PATTERN = (round) => `apiVersion: behavior.tapio.io/v1
kind: BehaviorPattern
metadata:
  name: bench-reload
spec:
  severity: high
  conditions:
    - field: type
      operator: equals
      value: ${round % 2 === 0 ? 'node_not_ready' : 'pod_evicted'}
  predictions:
    - type: outage
      confidence_base: 0.9
      message: "round ${round}"
`;

async function hotReload(rounds = 20) {
  const dir = await mkdtemp(join(tmpdir(), 'tapio-bench-patterns-'));
  const file = join(dir, 'bench.yaml');
  await writeFile(file, RELOAD_PATTERN(-1));
  const engine = newEngine();
  const source = new DirectoryPatternSource([BUILTIN_PATTERN_DIR, dir]);
  engine.setPatterns((await source.load()).patterns);
  let waiting;
  const stop = await source.watch((set) => {
    engine.setPatterns(set.patterns);
    waiting?.(set);
  });
  const latencies = [];
  try {
    for (let round = 0; round < rounds; round += 1) {
      const expected = round % 2 === 0 ? 'node_not_ready' : 'pod_evicted';
      const applied = new Promise((resolve) => {
        waiting = (set) => {
          const pattern = set.patterns.find((item) => item.metadata.name === 'bench-reload');
          if (pattern?.spec.conditions?.[0]?.value === expected) resolve();
        };
      });
      const t0 = performance.now();
      await writeFile(file, RELOAD_PATTERN(round));
      await applied;
      latencies.push(performance.now() - t0);
      await new Promise((resolve) => setTimeout(resolve, 120));
    }
  } finally {
    await stop();
    await rm(dir, { recursive: true, force: true });
  }
  latencies.sort((a, b) => a - b);
  return { rounds, medianMs: +percentile(latencies, 50).toFixed(1), maxMs: +latencies[latencies.length - 1].toFixed(1), debounceMs: 50 };
}

function memory() {
  if (typeof globalThis.gc !== 'function') return { skipped: 'run with node --expose-gc' };
  globalThis.gc();
  // Heap plus ArrayBuffer backing stores: the window's typed-array columns live outside the JS heap.
  const held = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  const baseline = held();
  const engine = newEngine({ maxEvents: MEMORY_EVENTS, windowMs: 24 * 3_600_000 });
  const factory = withMix(new StreamFactory(7), 'steady');
  for (const event of factory.topology()) engine.process(event);
  const started = performance.now();
  let jsonBytes = 0;
  for (let i = 0; i < MEMORY_EVENTS; i += 1) {
    const event = factory.next();
    // The peer: the same events as JSON text (what holding them serialised would take).
    if (i % 100 === 0) jsonBytes += Buffer.byteLength(JSON.stringify(event)) * 100;
    engine.process(event);
  }
  const seconds = (performance.now() - started) / 1000;
  globalThis.gc();
  const heap = held() - baseline;
  return { windowEvents: engine.state.size, arrayBuffersMB: Math.round(process.memoryUsage().arrayBuffers / 2 ** 20), heapMB: Math.round(heap / 2 ** 20), bytesPerEvent: Math.round(heap / engine.state.size), jsonMB: Math.round(jsonBytes / 2 ** 20), heapRatioToJson: +(heap / jsonBytes).toFixed(2), rssMB: Math.round(process.memoryUsage().rss / 2 ** 20), eventsPerSecond: Math.round(MEMORY_EVENTS / seconds) };
}

const LONG_RUN_EVENTS = Number(process.env.BENCH_LONG_RUN_EVENTS ?? 400_000);

function longRun() {
  if (typeof globalThis.gc !== 'function') return { skipped: 'run with node --expose-gc' };
  const engine = newEngine({ maxEvents: 50_000 });
  const factory = withMix(new StreamFactory(11, 36), 'incident');
  for (const event of factory.topology()) engine.process(event);
  const checkpoints = [];
  for (let i = 1; i <= LONG_RUN_EVENTS; i += 1) {
    engine.process(factory.next());
    if (i % 50_000 === 0) {
      globalThis.gc();
      checkpoints.push({ events: i, heapMB: +(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1), ...engine.memory() });
    }
  }
  const peer = checkpoints.find((checkpoint) => checkpoint.events === 100_000) ?? checkpoints[0];
  const last = checkpoints[checkpoints.length - 1];
  return { events: LONG_RUN_EVENTS, heapRatioToPeer: +(last.heapMB / peer.heapMB).toFixed(3), peer: `heap at ${peer.events} events`, checkpoints };
}

const results = { node: process.version };
if (process.env.BENCH_ONLY === 'long-run') {
  results.longRun = longRun();
  console.log(JSON.stringify(results.longRun, null, 1));
  process.exit(0);
}
// BENCH_ONLY=steady|incident runs one throughput mix and nothing else (for profiling);
// BENCH_ONLY=memory only the 1M-event memory figure (both print their JSON last).
const only = process.env.BENCH_ONLY;
if (only === 'memory') {
  results.memory = memory();
  console.log(JSON.stringify(results));
  process.exit(0);
}
if (only !== 'incident') {
  results.throughput = await throughput('steady');
  console.log('throughput (steady mix)', results.throughput);
}
if (only !== 'steady') {
  results.incident = await throughput('incident');
  console.log('throughput (incident mix)', results.incident);
}
if (only === undefined) {
  results.hotReload = await hotReload();
  console.log('hot reload', results.hotReload);
  results.memory = memory();
  console.log('memory', results.memory);
}
const verdict = only !== undefined ? {} : {
  'events/s >= 100000': results.throughput.eventsPerSecond >= 100_000,
  'events per CPU second >= 100000': results.throughput.eventsPerCpuSecond >= 100_000,
  'p99 < 1 ms': results.throughput.p99Ms < 1,
  'hot reload < 1 s': results.hotReload.maxMs < 1000,
  'heap with 1M events < 1.5 GB': typeof results.memory.heapMB === 'number' ? results.memory.heapMB < 1536 : 'skipped',
};
console.log('targets', verdict);
console.log(JSON.stringify(results));
