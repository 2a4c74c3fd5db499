import { readFileSync } from 'node:fs';
import { RawEvent, type TransformContext, type UnifiedEvent } from '@tapio/domain';
import { KubeApiTransformer } from './kubeapi-transformer.js';

// Arrange helpers shared by the KubeApiTransformer test files (excluded from the build).
export const RECORDINGS = new URL('../../../../../examples/recordings/', import.meta.url);

export interface Output {
  line: number;
  event: UnifiedEvent;
}

export function context(line: number, cluster = 'prod-west'): TransformContext {
  return { eventId: (_raw, discriminator) => `line${line}#${discriminator}`, processedAt: '2026-03-02T12:00:00.000Z', cluster };
}

/** Runs a whole recording through one transformer, as the pipeline would, keeping which line produced what. */
export function replay(name: string): Output[] {
  const transformer = new KubeApiTransformer();
  const lines = readFileSync(new URL(`${name}.ndjson`, RECORDINGS), 'utf8').split('\n').filter(Boolean);
  const outputs: Output[] = [];
  lines.forEach((text, index) => {
    const raw = RawEvent.parse(JSON.parse(text));
    for (const event of transformer.transform(raw, context(index + 1, raw.metadata['cluster']))) outputs.push({ line: index + 1, event });
  });
  return outputs;
}

export const on = (outputs: Output[], type: string, name?: string) => outputs.filter(({ event }) => event.type === type && (name === undefined || event.entity?.name === name));

export function watch(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: Record<string, unknown>, timestamp = '2026-03-02T10:00:00Z'): RawEvent {
  return RawEvent.parse({ timestamp, type, source: 'kubeapi', metadata: { cluster: 'prod-west', collector: 'kubeapi' }, data: { type, object } });
}

/** An event time `second` seconds after 2026-03-02T10:00:00Z. */
export const atSecond = (second: number) => new Date(Date.UTC(2026, 2, 2, 10, 0, second)).toISOString().replace('.000Z', 'Z');

/** A watch event of cluster c1 at `atSecond(second)`. */
export function watchAt(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: Record<string, unknown>, second = 0): RawEvent {
  return RawEvent.parse({ timestamp: atSecond(second), type, source: 'kubeapi', metadata: { cluster: 'c1', collector: 'kubeapi' }, data: { type, object } });
}

/** Every RawEvent through one new transformer (cluster c1), in order. */
export function transformAll(raws: RawEvent[], transformer = new KubeApiTransformer()): UnifiedEvent[] {
  return raws.flatMap((raw, index) => transformer.transform(raw, { eventId: (_raw, discriminator) => `r${index}#${discriminator}`, processedAt: '2026-03-02T12:00:00.000Z', cluster: 'c1' }));
}

/** The scheduler's `FailedScheduling` Event about pod `name` (uid `p-<name>`) at `second`. */
export function failedScheduling(second: number, message: string, pod: { name: string; namespace: string }): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${pod.name}.${second}`, namespace: pod.namespace, uid: `ev-fs-${pod.name}-${second}`, resourceVersion: String(500 + second) },
    involvedObject: { kind: 'Pod', name: pod.name, namespace: pod.namespace, uid: `p-${pod.name}` },
    reason: 'FailedScheduling',
    message,
    type: 'Warning',
    count: 1,
    lastTimestamp: atSecond(second),
    source: { component: 'default-scheduler' },
  };
}

/** What a `pod_unschedulable` of these events says of its cause: `blocked_by:cause.name` ('-' for none). */
export const unschedulableCauses = (events: UnifiedEvent[]) =>
  events.filter((event) => event.type === 'pod_unschedulable').map((event) => `${event.annotations?.['scheduling.blocked_by'] ?? '-'}:${event.annotations?.['cause.name'] ?? '-'}`);
