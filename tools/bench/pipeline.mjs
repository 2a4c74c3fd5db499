// In-process pipeline benchmark: RawEvent -> UnifiedEvent (pipeline with the
// Kubernetes API transformer) -> InProcessBus -> GraphIngestor -> MemoryGraphStore,
// on generated traffic shaped like the recorded scenarios. Runs against the BUILT
// packages: `npm run build` first. Usage:
//   npm run bench [-- --events 300000 --batch 10000]
// Prints throughput (RawEvents/s and UnifiedEvents/s), per-event latency p50/p99
// (publish of the RawEvent until its last UnifiedEvent is in the graph) and heap used,
// and the peer: a bare `JSON.parse` of the same events' JSON lines in a fresh process
// (target: the pipeline at >= 50% of that rate). `--json` prints one JSON document
// (bench:compare reads it). BENCH_PROFILE=file.cpuprofile samples the measured loop alone
// (the inspector's profiler); the batches are then generated before the loop, so neither the
// generator nor its garbage is in the profile (tools/bench/cpu-profile-summary.mjs reads it).
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { MAX_DEPTH_LIMIT, RawEvent, noteDepthFromText } from '@tapio/domain';
import { Pipeline, seedMappingTransformers } from '@tapio/pipeline';
import { KubeApiTransformer } from '@tapio/collector-kubeapi';
import { GraphIngestor } from '@tapio/correlation';
import { DeadLetterStore, InProcessBus, MemoryGraphStore } from '@tapio/embedded';
import { KubeTraffic } from './kube-traffic.mjs';
import { startLoopProfile, stopLoopProfile } from './loop-profile.mjs';
import { bareParseOf } from './parse-peer.mjs';
import { yardstick, yardstickLine } from './yardstick.mjs';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '300000' },
    batch: { type: 'string', default: '10000' },
    warmup: { type: 'string', default: '30000' },
    json: { type: 'boolean', default: false },
  },
});
const TOTAL = Number(values.events);
const BATCH = Number(values.batch);
const WARMUP = Number(values.warmup);
const TARGET_RATIO = 0.5;
/**
 * The measured events as NDJSON lines, for the bare-parse peer to read the same bytes: appended
 * to its file batch by batch outside the measured time, not held in this heap, where they would
 * make every major collection of the measured pipeline mark them too.
 */
const peerDir = mkdtempSync(join(tmpdir(), 'tapio-bench-pipeline-'));
const peerFile = join(peerDir, 'events.ndjson');
writeFileSync(peerFile, '');
// Gone however the run ends (a failed run throws before the peer reads it).
process.on('exit', () => rmSync(peerDir, { recursive: true, force: true }));

const traffic = new KubeTraffic({ recording: new URL('../../examples/recordings/configmap-cascade.ndjson', import.meta.url) });
const deadLetters = new DeadLetterStore();
const kubeApiTransformer = new KubeApiTransformer();
const builtIn = [...seedMappingTransformers, kubeApiTransformer];
// The built-in transformers are trusted as in the runtime: their output is proven valid by their tests.
const pipeline = new Pipeline({ transformers: builtIn, trusted: builtIn, deadLetters, cluster: 'bench' });
const graph = new MemoryGraphStore();
await graph.start();
const bus = new InProcessBus({ deadLetters });
const ingestor = new GraphIngestor(graph);

/** RawEvent id -> when it was handed in; completed when its last UnifiedEvent is in the graph. */
const pendingSince = new Map();
const latencies = [];
let measuring = false;
let produced = 0;

/** Unified event id -> resolver, for the one-event-at-a-time latency phase. */
const waiters = new Map();

await bus.subscribe('unified', 'graph', async (event) => {
  await ingestor.ingest([event]);
  const started = pendingSince.get(event.id);
  if (started !== undefined) {
    pendingSince.delete(event.id);
    if (measuring) latencies.push(performance.now() - started);
  }
  waiters.get(event.id)?.();
});

/** Latency of one RawEvent through an idle pipeline: transform, publish, until its last event is in the graph. */
async function timeOne(raw) {
  const started = performance.now();
  const result = pipeline.transform(raw);
  if (!result.ok || result.events.length === 0) return performance.now() - started;
  const last = result.events[result.events.length - 1].id;
  const stored = new Promise((resolve) => waiters.set(last, resolve));
  for (const event of result.events) await bus.publish('unified', event, event.id);
  await stored;
  waiters.delete(last);
  return performance.now() - started;
}

/** What the runtime's transform stage does, minus the raw topic: validate-free transform, publish each result. */
async function feed(raws) {
  for (const raw of raws) {
    const started = performance.now();
    const result = pipeline.transform(raw);
    if (!result.ok) continue;
    const events = result.events;
    produced += events.length;
    if (events.length === 0) {
      if (measuring) latencies.push(performance.now() - started);
      continue;
    }
    pendingSince.set(events[events.length - 1].id, started);
    for (const event of events) await bus.publish('unified', event, event.id);
  }
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

// Collectors hand the pipeline validated RawEvents; validate the generated ones once,
// outside the measurement, so a generator bug cannot inflate the figures.
const validate = (raws) => raws.map((raw) => RawEvent.parse(raw));

/**
 * Generated RawEvents as a collector hands them on: through JSON and back (the generator's
 * objects, cloned with keys deleted, are slower to walk than parsed ones), validated, each
 * with the nesting its text allows noted, as the Kubernetes collector notes it for every
 * watch line it parses (informers/watch-message.ts), so the pipeline's depth check need not
 * walk the object. `noteDepth` is timed by the caller: it is the collector's work.
 */
function fromWire(raws) {
  const lines = raws.map((raw) => JSON.stringify(raw));
  const batch = validate(lines.map((line) => JSON.parse(line)));
  const noteDepth = () => {
    for (let index = 0; index < batch.length; index += 1) noteDepthFromText(batch[index].data, lines[index], MAX_DEPTH_LIMIT);
  };
  return { lines, batch, noteDepth };
}

// Starting state and warm-up (JIT, caches), not measured: the same path as the measured
// events, so no part of the pipeline is warmed on input the measurement never gives it.
for (const raws of [traffic.startingState(), traffic.next(WARMUP)]) {
  const { batch, noteDepth } = fromWire(raws);
  noteDepth();
  await feed(batch);
}
await bus.drain();

/** The measured batches: generated one at a time inside the loop, or all before it when profiling. */
const PROFILE = process.env.BENCH_PROFILE;
function* measuredBatches() {
  for (let fed = 0; fed < TOTAL; fed += BATCH) yield fromWire(traffic.next(Math.min(BATCH, TOTAL - fed)));
}
const batches = PROFILE ? [...measuredBatches()] : measuredBatches();
const profiler = PROFILE ? await startLoopProfile() : undefined;

measuring = true;
const loadBefore = loadavg()[0];
const batchRates = [];
let busy = 0;
let fed = 0;
const producedBefore = produced;
let peakHeap = 0;
let cpuMicros = 0;
for (const { lines, batch, noteDepth } of batches) {
  appendFileSync(peerFile, `${lines.join('\n')}\n`);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  // Counted inside the measurement, although it is the collector's work.
  noteDepth();
  await feed(batch);
  await bus.drain();
  const cpu = process.cpuUsage(cpuStarted);
  cpuMicros += cpu.user + cpu.system;
  const elapsed = performance.now() - started;
  busy += elapsed;
  batchRates.push(batch.length / (elapsed / 1000));
  fed += batch.length;
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}
measuring = false;
if (profiler) await stopLoopProfile(profiler, PROFILE);

latencies.sort((a, b) => a - b);

// Latency without queueing: one event at a time through the idle pipeline.
const idleLatencies = [];
const idle = fromWire(traffic.next(5000));
idle.noteDepth();
for (const raw of idle.batch) idleLatencies.push(await timeOne(raw));
idleLatencies.sort((a, b) => a - b);
const unified = produced - producedBefore;
const rate = fed / (busy / 1000);
const stats = await graph.stats();
globalThis.gc?.();
const heap = process.memoryUsage().heapUsed;

// The peer: a bare JSON.parse of the same lines, timed inside a fresh process (its start
// and the file read excluded), on the same machine at the same moment.
const { linesPerSecond: parseRate, cpuMicrosPerLine: parseCpuMicros } = bareParseOf(peerFile);
rmSync(peerDir, { recursive: true, force: true });
// On a shared machine the wall-clock rates depend on who else runs; CPU per event does not (much).
const ratio = rate / parseRate;
const cpuRatio = parseCpuMicros / (cpuMicros / fed);
if (values.json) {
  process.stdout.write(`${JSON.stringify({ rawEventsPerSecond: rate, unifiedPerSecond: unified / (busy / 1000), parseLinesPerSecond: parseRate, ratio, cpuMicrosPerEvent: cpuMicros / fed, parseCpuMicrosPerLine: parseCpuMicros, cpuRatio, loadAverage: [loadBefore, loadavg()[0]], events: fed })}\n`);
  await bus.close();
  process.exit(deadLetters.count() > 0 ? 1 : 0);
}

console.log('Tapio in-process pipeline benchmark');
console.log('  path:          RawEvent -> Pipeline(KubeApiTransformer) -> InProcessBus -> GraphIngestor -> MemoryGraphStore');
console.log(`  machine:       node ${process.version} on ${process.platform}/${process.arch}, ${availableParallelism()} CPUs, load average ${loadBefore.toFixed(1)} -> ${loadavg()[0].toFixed(1)} during the run`);
console.log(`  stream:        ${fed} kubeapi watch events (after ${WARMUP} warm-up), ${unified} UnifiedEvents produced`);
console.log(`  throughput:    ${Math.round(rate).toLocaleString('en-US')} RawEvents/s  (${Math.round(unified / (busy / 1000)).toLocaleString('en-US')} UnifiedEvents/s)`);
console.log(`  peer:          bare JSON.parse of the same lines in a fresh process: ${Math.round(parseRate).toLocaleString('en-US')} lines/s, ${parseCpuMicros.toFixed(1)} us of CPU per line`);
console.log(`  ratio:         wall clock ${ratio.toFixed(2)}, CPU ${cpuRatio.toFixed(2)} of the bare parse rate; target >= ${TARGET_RATIO}: ${Math.max(ratio, cpuRatio) >= TARGET_RATIO ? 'met' : 'MISSED'}${ratio < TARGET_RATIO && cpuRatio >= TARGET_RATIO ? ' (on CPU; the wall clock is shared with other work)' : ''}`);
batchRates.sort((a, b) => a - b);
console.log(`  per batch:     median ${Math.round(percentile(batchRates, 50)).toLocaleString('en-US')} RawEvents/s, best ${Math.round(batchRates[batchRates.length - 1]).toLocaleString('en-US')} RawEvents/s (${batchRates.length} batches of ${BATCH})`);
console.log(`  cpu:           ${(cpuMicros / 1000 / fed * 1000).toFixed(1)} us of CPU per RawEvent (${Math.round(fed / (cpuMicros / 1e6)).toLocaleString('en-US')} RawEvents per CPU-second; wall-clock figures drop when other work shares the cores)`);
const micros = (ms) => `${(ms * 1000).toFixed(1)} us`;

// The fixed yardstick, in a fresh process (a yardstick timed here would measure this heap too).
console.log(`  yardstick:     ${yardstickLine(yardstick(), cpuMicros / fed)}`);
console.log(`  latency:       p50 ${micros(percentile(idleLatencies, 50))}  p99 ${micros(percentile(idleLatencies, 99))}  (one RawEvent at a time, until its events are in the graph; ${idleLatencies.length} events)`);
console.log(`  under load:    p50 ${micros(percentile(latencies, 50))}  p99 ${micros(percentile(latencies, 99))}  (same, while the stream saturates the pipeline: includes waiting in the bus queue)`);
console.log(`  heap used:     ${mb(heap)} at the end${globalThis.gc ? ' (after GC)' : ''}, ${mb(peakHeap)} peak between batches`);
console.log(`  graph:         ${stats.resources} resources, ${stats.events} events, ${stats.relationships} relationships; dead letters ${deadLetters.count()}`);

await bus.close();
if (deadLetters.count() > 0) {
  console.error(`bench: ${deadLetters.count()} events were dead-lettered, e.g. ${deadLetters.recent(1)[0]?.reason}`);
  process.exitCode = 1;
}
