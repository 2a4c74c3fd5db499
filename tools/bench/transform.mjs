// The transform stage alone: RawEvent -> UnifiedEvents through `Pipeline.transform` with the
// built-in transformers (the Kubernetes API transformer for this traffic), on the generated
// traffic of `npm run bench` (kube-traffic.mjs), every batch generated before the clock starts.
// It is the part of the in-process pipeline, of `tapio analyze`'s worker and of the NATS
// transformer stage that all three share. Runs against the BUILT packages. Usage:
//   node tools/bench/transform.mjs [--events 60000] [--json]
// Prints CPU per RawEvent, the share and mean of each kind and watch verb, a bare `JSON.parse`
// of the same lines in a fresh process beside it, and a digest of every UnifiedEvent produced
// (its JSON, in order) and of the durable state changes after each batch, both outside the
// measured time: two builds whose digests agree transform this stream identically. BENCH_PROFILE=file.cpuprofile samples the
// measured loop alone (tools/bench/cpu-profile-summary.mjs reads it).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { KubeTraffic } from './kube-traffic.mjs';
import { startLoopProfile, stopLoopProfile } from './loop-profile.mjs';
import { bareParseOf } from './parse-peer.mjs';
import { loadTransformStage } from './transform-stage.mjs';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '60000' },
    warmup: { type: 'string', default: '30000' },
    json: { type: 'boolean', default: false },
  },
});
const TOTAL = Number(values.events);
const BATCH = 10_000;

const traffic = new KubeTraffic({ recording: new URL('../../examples/recordings/configmap-cascade.ndjson', import.meta.url) });
const { pipeline, transformer: kubeApi, deadLetters, wire } = await loadTransformStage(new URL('../..', import.meta.url).pathname);

function fromWire(raws) {
  const lines = raws.map((raw) => JSON.stringify(raw));
  return { lines, batch: wire(lines) };
}

const outputs = createHash('sha256');
const state = createHash('sha256');
/** Outside the measured time: each batch's UnifiedEvents and the state changes it left. */
function digest(results) {
  for (const result of results) if (result.ok) for (const event of result.events) outputs.update(JSON.stringify(event));
  for (const [key, value] of kubeApi.durableState.changes()) state.update(`${key}=${JSON.stringify(value) ?? 'removed'}\n`);
}
function transformAll(batch) {
  digest(batch.map((raw) => pipeline.transform(raw)));
}

for (const raws of [traffic.startingState(), traffic.next(Number(values.warmup))]) transformAll(fromWire(raws).batch);

const batches = [];
for (let fed = 0; fed < TOTAL; fed += BATCH) batches.push(fromWire(traffic.next(Math.min(BATCH, TOTAL - fed))));

const profiler = process.env.BENCH_PROFILE ? await startLoopProfile() : undefined;
const loadBefore = loadavg()[0];
/** Per kind and verb: events and nanoseconds (the clock read around each transform, its own cost included). */
const perKind = new Map();
let produced = 0;
let cpuMicrosTotal = 0;
for (const { batch } of batches) {
  const results = new Array(batch.length);
  const cpuStarted = process.cpuUsage();
  for (let index = 0; index < batch.length; index += 1) {
    const raw = batch[index];
    const started = process.hrtime.bigint();
    results[index] = pipeline.transform(raw);
    const took = process.hrtime.bigint() - started;
    const key = `${raw.data.object.kind} ${raw.data.type}`;
    const entry = perKind.get(key) ?? { events: 0, nanos: 0n };
    entry.events += 1;
    entry.nanos += took;
    perKind.set(key, entry);
  }
  const cpu = process.cpuUsage(cpuStarted);
  cpuMicrosTotal += cpu.user + cpu.system;
  for (const result of results) if (result.ok) produced += result.events.length;
  if (profiler) continue;
  digest(results);
}
if (profiler) await stopLoopProfile(profiler, process.env.BENCH_PROFILE);

const dir = mkdtempSync(join(tmpdir(), 'tapio-bench-transform-'));
const file = join(dir, 'events.ndjson');
writeFileSync(file, `${batches.flatMap(({ lines }) => lines).join('\n')}\n`);
let parseMicros;
try {
  parseMicros = bareParseOf(file).cpuMicrosPerLine;
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const events = batches.reduce((sum, { batch }) => sum + batch.length, 0);
const cpuMicros = cpuMicrosTotal / events;
const totalNanos = [...perKind.values()].reduce((sum, entry) => sum + entry.nanos, 0n);
const kinds = [...perKind]
  .sort((a, b) => Number(b[1].nanos - a[1].nanos))
  .map(([kind, entry]) => ({ kind, events: entry.events, meanMicros: Number(entry.nanos) / entry.events / 1000, share: Number(entry.nanos) / Number(totalNanos) }));
const report = {
  events,
  produced,
  cpuMicrosPerEvent: cpuMicros,
  parseCpuMicrosPerLine: parseMicros,
  ratioToParse: cpuMicros / parseMicros,
  outputsDigest: outputs.digest('hex').slice(0, 16),
  stateDigest: state.digest('hex').slice(0, 16),
  deadLetters: deadLetters.count(),
  loadAverage: [loadBefore, loadavg()[0]],
  kinds,
};
if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
else {
  console.log('Tapio transform stage (Pipeline.transform, Kubernetes API transformer)');
  console.log(`  stream:   ${events} watch events after ${values.warmup} warm-up, ${produced} UnifiedEvents; load ${report.loadAverage.map((load) => load.toFixed(1)).join(' -> ')}`);
  console.log(`  cpu:      ${cpuMicros.toFixed(1)} us per RawEvent`);
  console.log(`  peer:     bare JSON.parse of the same lines, fresh process: ${parseMicros.toFixed(1)} us per line; ratio ${report.ratioToParse.toFixed(2)}`);
  console.log(`  digests:  outputs ${report.outputsDigest}, durable state ${report.stateDigest}${profiler ? ' (not taken while profiling: only the warm-up)' : ''}; dead letters ${report.deadLetters}`);
  for (const kind of kinds) console.log(`  ${kind.kind.padEnd(24)} ${String(kind.events).padStart(6)} events  ${kind.meanMicros.toFixed(1).padStart(6)} us  ${(kind.share * 100).toFixed(1).padStart(5)}%`);
}
if (deadLetters.count() > 0) process.exitCode = 1;
