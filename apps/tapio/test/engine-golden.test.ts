import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CorrelationEngine,
  loadBuiltinPatterns,
  type EngineOutput,
  builtinCorrelators,
} from '@tapio/correlation';
import { KubeApiTransformer } from '@tapio/collector-kubeapi';
import { DeadLetterStore } from '@tapio/embedded';
import { Pipeline } from '@tapio/pipeline';
import { normalise, readRecording, remapUids, renameEverywhere, retime, withNoise, type RecordedLine } from './support/recording-variants.js';
import { badImageRollout, configEditWithoutRollout, livenessDeathSpiral, memoryLeak, nodeFailure, serviceLosesPodsByLabel, serviceSelectorTypo } from './support/synthetic-incidents.js';

const RECORDINGS = new URL('../../../examples/recordings/', import.meta.url);
const GOLDEN = new URL('./golden/engine/', import.meta.url);
const UPDATE = process.env['TAPIO_UPDATE_GOLDEN'] === '1';

const recording = (name: string) => readRecording(new URL(`${name}.ndjson`, RECORDINGS));
const benign = recording('benign-rollout');
const cascade = recording('configmap-cascade');
const renames = { shop: 'storefront', payments: 'billing', catalog: 'inventory', cart: 'basket', frontend: 'web', checkout: 'orders', 'node-1': 'ip-10-1-0-11', 'node-2': 'ip-10-1-0-12', 'node-3': 'ip-10-1-0-13' };
const varied = (lines: readonly RecordedLine[]) => withNoise(retime(remapUids(renameEverywhere(lines, renames), 'k'), { stretch: 1.6 }), benign, 'bg-');

/** Recordings that exercise every part of the engine: cascades, roll-ups, held matches, blamed resources, merges. */
const CASES: Array<[string, () => readonly RecordedLine[]]> = [
  ['benign-rollout', () => benign],
  ['configmap-cascade', () => cascade],
  ['oom-cascade', () => recording('oom-cascade')],
  ['bad-image-rollout', () => badImageRollout(benign, 'shop', 'catalog').lines],
  ['bad-image-rollout-payments', () => badImageRollout(cascade, 'payments', 'payments-api', 'pull-2').lines],
  ['node-failure', () => nodeFailure(benign, 'node-2').lines],
  ['node-failure-cascade', () => nodeFailure(cascade, 'node-3', 'node-2').lines],
  ['liveness-death-spiral', () => livenessDeathSpiral(benign, 'shop', 'cart').lines],
  ['configmap-edit-without-rollout', () => configEditWithoutRollout(benign, 'ConfigMap', 'shop', 'frontend-config').lines],
  ['secret-rotated', () => configEditWithoutRollout(benign, 'Secret', 'payments', 'payments-db-credentials').lines],
  ['memory-leak', () => memoryLeak(benign, 'shop', 'checkout').lines],
  ['service-loses-pods-by-label', () => serviceLosesPodsByLabel(benign, 'shop', 'catalog').lines],
  ['service-selector-typo', () => serviceSelectorTypo(benign, 'shop', 'cart').lines],
  ['memory-leak-varied', () => varied(memoryLeak(benign, 'shop', 'checkout').lines)],
  ['node-failure-varied', () => varied(nodeFailure(benign, 'node-2').lines)],
  ['service-selector-typo-varied', () => varied(serviceSelectorTypo(benign, 'shop', 'cart').lines)],
];

/**
 * Everything the engine produces for a recording: every output of every event, in order
 * (as a digest: the stream is long), held matches, and the final insights, predictions and
 * match counts in full.
 */
function trace(lines: readonly RecordedLine[]) {
  const pipeline = new Pipeline({ transformers: [new KubeApiTransformer()], deadLetters: new DeadLetterStore(), validateOutput: true });
  const engine = new CorrelationEngine(builtinCorrelators());
  engine.setPatterns(loadBuiltinPatterns());
  const stream = createHash('sha256');
  const counts = { events: 0, topology: 0, correlations: 0, insights: 0, predictions: 0 };
  const record = (output: EngineOutput) => {
    counts.topology += output.topology.length;
    counts.correlations += output.correlations.length;
    counts.insights += output.insights.length;
    counts.predictions += output.predictions.length;
    stream.update(`${JSON.stringify(output)}\n`);
  };
  normalise(lines).forEach((line, index) => {
    const result = pipeline.process(line, `line ${index + 1}`);
    if (!result.ok) throw new Error(`line ${index + 1} rejected`);
    for (const event of result.events) {
      counts.events += 1;
      record(engine.process(event));
    }
  });
  const heldAtEnd = engine.heldCount;
  record(engine.releaseDue(Number.POSITIVE_INFINITY));
  return {
    counts,
    heldAtEnd,
    stream: stream.digest('hex'),
    matches: Object.fromEntries(engine.patternNames().map((name) => [name, engine.matches(name)])),
    insights: engine.insights(),
    predictions: engine.predictions(),
  };
}

/**
 * The engine's complete behaviour on real and synthetic recordings, compared with what it
 * produced before it was split into units: a refactoring must not change one byte. An
 * intended change rewrites the files with TAPIO_UPDATE_GOLDEN=1 and shows up in review.
 */
describe('correlation engine output is identical to the golden traces', () => {
  for (const [name, lines] of CASES) {
    it(name, () => {
      const expectedFile = new URL(`${name}.json`, GOLDEN);
      const actual = `${JSON.stringify(trace(lines()), null, 1)}\n`;
      if (UPDATE) writeFileSync(expectedFile, actual);
      expect(existsSync(expectedFile), `golden file ${fileURLToPath(expectedFile)} (create it with TAPIO_UPDATE_GOLDEN=1)`).toBe(true);
      expect(actual).toBe(readFileSync(expectedFile, 'utf8'));
    });
  }
});
