import { describe, expect, it } from 'vitest';
import { makeUnifiedEvent, RawEvent, type DeadLetter, type DeadLetterSink, type RawEventTransformer, type UnifiedEvent } from '@tapio/domain';
import { Pipeline } from './pipeline.js';
import { seedMappingTransformers } from './transformers/seed-mapping.js';

function collectingSink(): DeadLetterSink & { entries: DeadLetter[] } {
  const entries: DeadLetter[] = [];
  return { entries, put: (entry) => void entries.push(entry), count: () => entries.length, recent: (limit) => entries.slice(-limit) };
}

/** A transformer that leaves Kubernetes context to the pipeline, as a log collector would. */
const appLogTransformer: RawEventTransformer = {
  sources: ['applog'],
  transform: (raw, context) => [
    makeUnifiedEvent(raw, context, 'custom', 'line', { message: String((raw.data as { line?: unknown }).line ?? '') }),
  ],
};

function subject(extra: RawEventTransformer[] = []) {
  const deadLetters = collectingSink();
  const pipeline = new Pipeline({ transformers: [...seedMappingTransformers, appLogTransformer, ...extra], deadLetters, cluster: 'demo' });
  return { pipeline, deadLetters };
}

const KUBELET = {
  timestamp: '2024-01-15T10:30:00Z',
  type: 'PodStatusUpdate',
  source: 'kubelet',
  metadata: { node: 'node-1', cluster: 'prod-west' },
  data: { pod: 'frontend-1', namespace: 'production', phase: 'Running', containers: [{ name: 'nginx', restartCount: 2 }] },
};

/** Seed 001's RawEvent example, with its standard k8s_* metadata keys. */
const SEED_001 = {
  timestamp: '2024-01-10T10:30:00Z',
  type: 'pod_created',
  source: 'applog',
  data: { line: 'started' },
  metadata: {
    collector: 'kubeapi',
    k8s_namespace: 'default',
    k8s_name: 'nginx-7d8f',
    k8s_kind: 'Pod',
    k8s_uid: 'abc-123',
    k8s_labels: 'app=nginx,version=1.0',
    k8s_owner_refs: 'ReplicaSet/nginx-7d8f',
  },
  trace_id: 'trace-123',
  span_id: 'span-456',
};

function events(result: ReturnType<Pipeline['process']>): UnifiedEvent[] {
  if (!result.ok) throw new Error(`expected success, got ${result.stage}: ${result.reason}`);
  return result.events;
}

describe('Pipeline: deterministic ids', () => {
  it('gives the same RawEvent the same event id, also after a JSON round trip and with keys reordered', () => {
    const first = events(subject().pipeline.process(KUBELET))[0];
    const again = events(subject().pipeline.process(JSON.parse(JSON.stringify(KUBELET))))[0];
    const reordered = events(subject().pipeline.process({ data: { containers: KUBELET.data.containers, phase: 'Running', namespace: 'production', pod: 'frontend-1' }, metadata: { cluster: 'prod-west', node: 'node-1' }, source: 'kubelet', type: 'PodStatusUpdate', timestamp: KUBELET.timestamp }))[0];
    expect(first?.id).toMatch(/^evt-[0-9a-f]{32}$/);
    expect(again?.id).toBe(first?.id);
    expect(reordered?.id).toBe(first?.id);
  });

  it('derives event ids from the raw id it is given (the bus message id) instead of digesting the RawEvent again', () => {
    const raw = RawEvent.parse(KUBELET);
    const digested = subject().pipeline.transform(raw);
    const given = subject().pipeline.transform(raw, undefined, digested.ok ? digested.rawId : '');
    const other = subject().pipeline.transform(raw, undefined, 'raw-given-elsewhere');
    expect(digested.ok && given.ok).toBe(true);
    if (!digested.ok || !given.ok || !other.ok) return;
    expect(given.rawId).toBe(digested.rawId);
    expect(given.events.map((e) => e.id)).toEqual(digested.events.map((e) => e.id));
    // The given id is used as it is: a different one gives different event ids.
    expect(other.rawId).toBe('raw-given-elsewhere');
    expect(other.events[0]?.id).not.toBe(digested.events[0]?.id);
  });

  it('hands the transformer where the RawEvent stands on a durable bus (what a stateful one keeps depends on it)', () => {
    const seen: unknown[] = [];
    const positional: RawEventTransformer = {
      sources: ['positional'],
      transform: (_raw, context) => {
        seen.push(context.position);
        return [];
      },
    };
    const { pipeline } = subject([positional]);
    const raw = RawEvent.parse({ ...KUBELET, source: 'positional' });
    pipeline.transform(raw, undefined, 'raw-1', { sequence: 42, settled: 40 });
    pipeline.transform(raw);
    expect(seen).toEqual([{ sequence: 42, settled: 40 }, undefined]);
  });

  it('gives different events different ids', () => {
    const { pipeline } = subject();
    const ids = new Set([
      KUBELET,
      { ...KUBELET, timestamp: '2024-01-15T10:30:01Z' },
      { ...KUBELET, metadata: { ...KUBELET.metadata, cluster: 'prod-east' } },
      { ...KUBELET, data: { ...KUBELET.data, containers: [{ name: 'nginx', restartCount: 3 }] } },
      { ...KUBELET, data: { ...KUBELET.data, pod: 'frontend-2' } },
    ].map((raw) => events(pipeline.process(raw))[0]?.id));
    expect(ids.size).toBe(5);
  });

  it('identifies a Kubernetes watch event by uid and resourceVersion, not by when it was seen', () => {
    const noop: RawEventTransformer = { sources: ['kubeapi'], transform: (raw, context) => [makeUnifiedEvent(raw, context, 'resource_updated', 'lifecycle', { message: 'x' })] };
    const { pipeline } = subject([noop]);
    const watch = (timestamp: string, resourceVersion: string) => ({
      timestamp,
      type: 'MODIFIED',
      source: 'kubeapi',
      metadata: { cluster: 'c1' },
      data: { type: 'MODIFIED', object: { kind: 'Pod', metadata: { name: 'p', uid: 'u-1', resourceVersion } } },
    });
    const a = pipeline.process(watch('2026-03-02T10:00:00Z', '100'));
    const b = pipeline.process(watch('2026-03-02T10:00:07Z', '100'));
    const c = pipeline.process(watch('2026-03-02T10:00:00Z', '101'));
    expect(a.ok && b.ok && a.rawId === b.rawId).toBe(true);
    expect(a.ok && c.ok && a.rawId !== c.rawId).toBe(true);
    expect(events(a)[0]?.id).toBe(events(b)[0]?.id);
  });
});

describe('Pipeline: seed 001 metadata and trace context', () => {
  it('builds k8sContext and entity from the standard k8s_* keys', () => {
    const [event] = events(subject().pipeline.process(SEED_001));
    expect(event?.k8sContext).toEqual({
      cluster: 'demo',
      kind: 'Pod',
      name: 'nginx-7d8f',
      namespace: 'default',
      uid: 'abc-123',
      labels: { app: 'nginx', version: '1.0' },
      ownerReferences: [{ kind: 'ReplicaSet', name: 'nginx-7d8f' }],
    });
    expect(event?.entity).toEqual({ kind: 'Pod', name: 'nginx-7d8f', namespace: 'default', cluster: 'demo', uid: 'abc-123' });
  });

  it('fills labels, owners and uid from the k8s_* keys into a context the transformer built', () => {
    const raw = { ...KUBELET, metadata: { ...KUBELET.metadata, k8s_kind: 'Pod', k8s_name: 'frontend-1', k8s_namespace: 'production', k8s_uid: 'uid-9', k8s_labels: 'app=frontend', k8s_owner_refs: 'ReplicaSet/frontend-5d4b' } };
    const [event] = events(subject().pipeline.process(raw));
    expect(event?.k8sContext).toMatchObject({ kind: 'Pod', name: 'frontend-1', uid: 'uid-9', labels: { app: 'frontend' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'frontend-5d4b' }], nodeName: 'node-1', cluster: 'prod-west' });
  });

  it('carries the trace context through, from traceId/spanId and from seed 001 trace_id/span_id', () => {
    const [fromSeed] = events(subject().pipeline.process(SEED_001));
    expect(fromSeed?.traceContext).toEqual({ traceId: 'trace-123', spanId: 'span-456' });
    const [fromKubelet] = events(subject().pipeline.process({ ...KUBELET, traceId: 't-1', spanId: 's-1' }));
    expect(fromKubelet?.traceContext).toEqual({ traceId: 't-1', spanId: 's-1' });
    const [untraced] = events(subject().pipeline.process(KUBELET));
    expect(untraced?.traceContext).toBeUndefined();
  });
});

describe('Pipeline: dead letters', () => {
  it('rejects an invalid RawEvent with the reason, counts it and keeps it', () => {
    const { pipeline, deadLetters } = subject();
    const bad = { timestamp: 'yesterday', type: 'PodStatusUpdate', data: {} };
    const result = pipeline.process(bad, 'test.ndjson:3');
    expect(result).toMatchObject({ ok: false, stage: 'validate' });
    expect(deadLetters.entries).toHaveLength(1);
    expect(deadLetters.entries[0]).toMatchObject({ stage: 'validate', origin: 'test.ndjson:3', payload: bad });
    expect(deadLetters.entries[0]?.reason).toMatch(/^invalid RawEvent: .*timestamp.*source|^invalid RawEvent: .*source.*timestamp/);
    expect(pipeline.stats().rejected.validate).toBe(1);
  });

  it('rejects a line that is not JSON at the decode stage', () => {
    const { pipeline, deadLetters } = subject();
    expect(pipeline.processLine('{"timestamp": ', 'rec.ndjson:9')).toMatchObject({ ok: false, stage: 'decode' });
    expect(deadLetters.entries[0]).toMatchObject({ stage: 'decode', origin: 'rec.ndjson:9', payload: '{"timestamp": ' });
    expect(deadLetters.entries[0]?.reason).toMatch(/^not JSON: /);
  });

  it('rejects an unknown source, naming the known ones', () => {
    const { pipeline, deadLetters } = subject();
    expect(pipeline.process({ ...KUBELET, source: 'carrier-pigeon' })).toMatchObject({ ok: false, stage: 'transform' });
    expect(deadLetters.entries[0]?.reason).toMatch(/^no transformer for source "carrier-pigeon" \(known: kubelet, .*applog\)$/);
    expect(deadLetters.entries[0]?.source).toBe('carrier-pigeon');
  });

  it('rejects when a transformer throws, with its message, also for a thrown non-Error', () => {
    const throwing: RawEventTransformer = {
      sources: ['flaky'],
      transform: (raw) => {
        if (raw.type === 'string') throw 'plain string thrown';
        throw new Error('flaky: payload lacks the pid');
      },
    };
    const { pipeline, deadLetters } = subject([throwing]);
    pipeline.process({ ...KUBELET, source: 'flaky' });
    pipeline.process({ ...KUBELET, source: 'flaky', type: 'string' });
    expect(deadLetters.entries.map((entry) => entry.reason)).toEqual(['flaky: payload lacks the pid', 'plain string thrown']);
  });

  it('rejects a transformer output that is not a valid UnifiedEvent, or not a list at all', () => {
    const invalid: RawEventTransformer = {
      sources: ['invalid', 'notalist'],
      transform: (raw, context) => {
        if (raw.source === 'notalist') return undefined as unknown as UnifiedEvent[];
        const event = makeUnifiedEvent(raw, context, 'custom', 'x', { message: 'm' });
        return [{ ...event, type: 'made_up_type' as UnifiedEvent['type'], severity: 'apocalyptic' as UnifiedEvent['severity'] }];
      },
    };
    const { pipeline, deadLetters } = subject([invalid]);
    expect(pipeline.process({ ...KUBELET, source: 'invalid' })).toMatchObject({ ok: false, stage: 'transform' });
    expect(deadLetters.entries[0]?.reason).toMatch(/^transformer for "invalid" produced an invalid UnifiedEvent: type: .*; severity: /);
    expect(pipeline.process({ ...KUBELET, source: 'notalist' })).toMatchObject({ ok: false, stage: 'transform' });
    expect(deadLetters.entries[1]?.reason).toBe('transformer for "notalist" returned undefined instead of a list of UnifiedEvents');
  });

  it('rejects malformed k8s_* metadata instead of throwing', () => {
    const { pipeline, deadLetters } = subject();
    const result = pipeline.process({ ...SEED_001, metadata: { ...SEED_001.metadata, k8s_labels: 'app' } });
    expect(result).toMatchObject({ ok: false, stage: 'transform' });
    expect(deadLetters.entries[0]?.reason).toBe('k8s_labels: "app" is not key=value');
  });

  it('never throws, and processes later events after rejects, counting each', () => {
    const { pipeline, deadLetters } = subject([{ sources: ['boom'], transform: () => { throw new TypeError('boom'); } }]);
    const inputs: unknown[] = [null, 42, 'text', [], {}, { ...KUBELET, source: 'boom' }, { ...KUBELET, source: 'nobody' }, KUBELET, SEED_001];
    const results = inputs.map((input) => pipeline.process(input));
    expect(results.map((result) => result.ok)).toEqual([false, false, false, false, false, false, false, true, true]);
    expect(pipeline.stats()).toEqual({ accepted: 2, produced: 2, rejected: { decode: 0, validate: 5, transform: 2, process: 0, store: 0 } });
    expect(deadLetters.count()).toBe(7);
    for (const entry of deadLetters.entries) expect(entry.reason.length).toBeGreaterThan(0);
  });

  it('accepts what it validated: a RawEvent parsed by the domain schema passes unchanged', () => {
    const raw = RawEvent.parse(KUBELET);
    const result = subject().pipeline.transform(raw, 'collector:kubelet');
    expect(result.ok && result.raw).toBe(raw);
  });

  it('skips output validation only for transformers listed as trusted', () => {
    const sloppy = (source: string): RawEventTransformer => ({
      sources: [source],
      transform: (raw, context) => [{ ...makeUnifiedEvent(raw, context, 'custom', 'x', { message: 'm' }), severity: 'apocalyptic' as UnifiedEvent['severity'] }],
    });
    const trusted = sloppy('trusted-src');
    const checked = sloppy('plugin-src');
    const deadLetters = collectingSink();
    const pipeline = new Pipeline({ transformers: [trusted, checked], trusted: [trusted], deadLetters });
    expect(pipeline.process({ ...KUBELET, source: 'trusted-src' }).ok).toBe(true);
    expect(pipeline.process({ ...KUBELET, source: 'plugin-src' })).toMatchObject({ ok: false, stage: 'transform' });
    expect(deadLetters.entries.map((entry) => entry.source)).toEqual(['plugin-src']);
  });

  it('refuses two transformers for one source at construction', () => {
    expect(() => new Pipeline({ transformers: [appLogTransformer, appLogTransformer], deadLetters: collectingSink() })).toThrow('two transformers claim RawEvent source "applog"');
  });
});
