#!/usr/bin/env node
// Byte-identity check for correlation engine changes that must not change any output: a
// SHA-256 over every `process` output, `releaseDue(Infinity)`, `insights()` and
// `predictions()` for the benchmark's 10,000-pod topology and incident-mix stream. Run it
// on a build before and after a change; the digests must be equal. Runs against the BUILT
// packages (`npm run build` first); a copy of an older build is checked by running this
// file from inside it (`node <copy>/tools/bench/correlation-digest.mjs`).
//
//   node tools/bench/correlation-digest.mjs [events=40000] [windowMs] [maxEvents] [spacingMs] [lateMs]
//
// A short window (`... 20000 600000 3000 36`) also exercises eviction by count and by time;
// `lateMs` makes one event in 50 arrive up to that late (its time moved back, deterministically).
// Besides `sha256` (every output byte for byte) it prints `unordered` (each output with its
// insights, predictions and correlations sorted by id, the last version of an id within one
// output kept) and `final` (only `insights()` and `predictions()` at the end): a change that
// may reorder one event's outputs, or skip re-emitting an unchanged insight, keeps these two.
import { createHash } from 'node:crypto';
import { CorrelationEngine, loadBuiltinPatterns, builtinCorrelators } from '@tapio/correlation';
import { StreamFactory, withMix } from './correlation-stream.mjs';
import { seededRandom } from '@tapio/domain/testing';

const [events = 40_000, windowMs, maxEvents, spacingMs, lateMs] = process.argv.slice(2).map(Number);
const options = {
  ...(windowMs ? { windowMs } : {}),
  ...(maxEvents ? { maxEvents } : {}),
};
const engine = new CorrelationEngine(builtinCorrelators(), undefined, options);
engine.setPatterns(loadBuiltinPatterns());
const factory = withMix(new StreamFactory(42, spacingMs || undefined), 'incident');
const hash = createHash('sha256');
const unordered = createHash('sha256');
const final = createHash('sha256');
/** One output's items by id, the last of each id, sorted: what a store keyed by id ends up holding. */
const byId = (items, idOf = (item) => item.id) => [...new Map(items.map((item) => [idOf(item), item])).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, item]) => item);
const counts = { outputs: 0, insights: 0, correlations: 0, predictions: 0 };
const take = (output) => {
  counts.outputs += 1;
  counts.insights += output.insights.length;
  counts.correlations += output.correlations.length;
  counts.predictions += output.predictions.length;
  hash.update(JSON.stringify(output));
  hash.update('\n');
  const { insights, predictions, correlations, ...rest } = output;
  unordered.update(JSON.stringify({ ...rest, insights: byId(insights), predictions: byId(predictions), correlations: byId(correlations, (c) => JSON.stringify(c)) }));
  unordered.update('\n');
};
for (const event of factory.topology()) take(engine.process(event));
const lateBy = seededRandom(12345);
for (let i = 0; i < events; i += 1) {
  const event = factory.next();
  if (lateMs && lateBy() < 0.02) event.timestamp = new Date(Date.parse(event.timestamp) - Math.floor(lateBy() * lateMs)).toISOString();
  take(engine.process(event));
}
take(engine.releaseDue(Number.POSITIVE_INFINITY));
for (const digest of [hash, unordered, final]) {
  digest.update(JSON.stringify(engine.insights()));
  digest.update(JSON.stringify(engine.predictions()));
}
console.log(JSON.stringify({ events, ...options, spacingMs: spacingMs || 1, lateMs: lateMs || 0, ...counts, sha256: hash.digest('hex'), unordered: unordered.digest('hex'), final: final.digest('hex') }));
