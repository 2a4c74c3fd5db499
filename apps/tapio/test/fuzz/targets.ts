import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { DeadLetter, DeadLetterSink } from '@tapio/domain';
import { KubeApiTransformer } from '@tapio/collector-kubeapi';
import { BUILTIN_PATTERN_DIR, parsePatternFile } from '@tapio/correlation';
import { Pipeline, seedMappingTransformers } from '@tapio/pipeline';
import { ConfigError, parseConfig } from '../../src/index.js';

const ROOT = new URL('../../../../', import.meta.url);
const read = (path: string) => readFileSync(fileURLToPath(new URL(path, ROOT)), 'utf8');

/** Real inputs to mutate: recorded lines, the built-in pattern files, the shipped tapio.yaml. */
export const SEEDS = {
  lines: ['configmap-cascade', 'oom-cascade', 'benign-rollout'].flatMap((name) => read(`examples/recordings/${name}.ndjson`).trimEnd().split('\n')).slice(0, 400),
  patterns: readdirSync(BUILTIN_PATTERN_DIR).filter((name) => name.endsWith('.yaml')).map((name) => readFileSync(`${BUILTIN_PATTERN_DIR}/${name}`, 'utf8')),
  config: read('tapio.yaml'),
};

/** A text with a few random edits: inserted, deleted or replaced characters, cuts and duplications. */
function mutated(texts: readonly string[]): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '\n', '  ', '- ', '&a ', '*a', '\\u0000', '\uFFFD', '9999', '-1', 'null')));
  return fc.tuple(fc.constantFrom(...texts), fc.array(edit, { minLength: 1, maxLength: 6 })).map(([text, edits]) => {
    let out = text;
    for (const [at, remove, insert] of edits) {
      const position = out.length === 0 ? 0 : at % out.length;
      out = out.slice(0, position) + insert + out.slice(position + remove);
    }
    return out;
  });
}

/** JSON values of any shape, sometimes very deep. */
const deepValue = fc.nat({ max: 3000 }).map((depth) => {
  let value: unknown = 1;
  for (let level = 0; level < depth; level += 1) value = level % 2 ? [value] : { a: value };
  return value;
});
const anyData = fc.oneof({ weight: 4, arbitrary: fc.jsonValue() }, { weight: 1, arbitrary: deepValue });
const timestamp = fc.oneof(
  fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString()),
  fc.string({ maxLength: 30 }),
);
const source = fc.constantFrom('kubeapi', 'kubelet', 'kernel', 'dns', 'cri', 'etcd', 'systemd', 'nope', '');

/** RawEvent-shaped objects with anything inside, kubeapi watch events with random objects. */
const rawEvent = fc.record(
  {
    timestamp,
    type: fc.constantFrom('ADDED', 'MODIFIED', 'DELETED', 'oom_kill', 'x', ''),
    source,
    metadata: fc.dictionary(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), { maxKeys: 8 }),
    data: fc.oneof(
      anyData,
      fc.record({
        type: fc.constantFrom('ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK'),
        object: fc.record({
          apiVersion: fc.constantFrom('v1', 'apps/v1'),
          kind: fc.constantFrom('Pod', 'Deployment', 'ConfigMap', 'Secret', 'Node', 'Service', 'Event', 'ReplicaSet', 'Weird'),
          metadata: fc.record({ name: fc.string({ maxLength: 20 }), namespace: fc.string({ maxLength: 10 }), uid: fc.uuid(), resourceVersion: fc.nat().map(String), labels: fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })) }, { requiredKeys: [] }),
          spec: anyData,
          status: anyData,
          data: fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 })),
        }, { requiredKeys: ['kind'] }),
      }),
    ),
  },
  { requiredKeys: [] },
);

export const ARBITRARIES = {
  line: fc.oneof(mutated(SEEDS.lines), rawEvent.map((event) => JSON.stringify(event)), fc.string({ maxLength: 200 })),
  patternFile: fc.oneof(mutated(SEEDS.patterns), fc.string({ maxLength: 300 })),
  config: fc.oneof(mutated([SEEDS.config]), fc.string({ maxLength: 300 })),
};

class CountingLetters implements DeadLetterSink {
  total = 0;
  last: DeadLetter | undefined;
  put(entry: DeadLetter): void {
    this.total += 1;
    this.last = entry;
  }
  count(): number {
    return this.total;
  }
  recent(): DeadLetter[] {
    return this.last ? [this.last] : [];
  }
}

/** What a target did with one input: accepted, or refused with a reason. A throw is a crash. */
export type Outcome = { ok: true } | { ok: false; reason: string };

export function pipelineTarget(): (line: string) => Outcome {
  const letters = new CountingLetters();
  const pipeline = new Pipeline({ transformers: [new KubeApiTransformer(), ...seedMappingTransformers], deadLetters: letters, cluster: 'fuzz' });
  return (line) => {
    const result = pipeline.processLine(line, 'fuzz:1');
    if (result.ok) {
      // Whatever an accepted event becomes must serialise (the bus and the graph do it).
      JSON.stringify(result.events);
      return { ok: true };
    }
    if (letters.last?.reason !== result.reason) throw new Error(`refused without a dead letter: ${result.reason}`);
    return { ok: false, reason: result.reason };
  };
}

export function patternFileTarget(text: string): Outcome {
  const parsed = parsePatternFile(text, 'fuzz.yaml');
  if (parsed.errors.length === 0) return { ok: true };
  return { ok: false, reason: parsed.errors.map((error) => error.reason).join('; ') };
}

export function configTarget(text: string): Outcome {
  try {
    parseConfig(text, 'fuzz.yaml', { TAPIO_API_TOKEN: 'fuzz-token-0123456789' });
    return { ok: true };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { ok: false, reason: error.problems.map((problem) => problem.message).join('; ') };
  }
}
