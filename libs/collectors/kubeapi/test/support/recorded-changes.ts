import { readFileSync } from 'node:fs';
import type { KubeObject } from '../../src/informers/kube-object.js';

const RECORDINGS = new URL('../../../../../examples/recordings/', import.meta.url);

export interface RecordedChange {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}

/** The watch events of a shared scenario recording (real object JSON), in order. */
export function recordedChanges(name: 'configmap-cascade' | 'oom-cascade' | 'benign-rollout'): RecordedChange[] {
  return readFileSync(new URL(`${name}.ndjson`, RECORDINGS), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { data: RecordedChange }).data);
}
