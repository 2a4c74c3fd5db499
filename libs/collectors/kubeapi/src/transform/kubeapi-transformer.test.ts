import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_SEMANTICS, RawEvent, UnifiedEvent, entityKey, type ResourceNode, type TransformContext } from '@tapio/domain';
import { KubeApiTransformer } from './kubeapi-transformer.js';

const RECORDINGS = new URL('../../../../../examples/recordings/', import.meta.url);

interface Output {
  line: number;
  event: UnifiedEvent;
}

function context(line: number, cluster = 'prod-west'): TransformContext {
  return { eventId: (_raw, discriminator) => `line${line}#${discriminator}`, processedAt: '2026-03-02T12:00:00.000Z', cluster };
}

/** Runs a whole recording through one transformer, as the pipeline would, keeping which line produced what. */
function replay(name: string): Output[] {
  const transformer = new KubeApiTransformer();
  const lines = readFileSync(new URL(`${name}.ndjson`, RECORDINGS), 'utf8').split('\n').filter(Boolean);
  const outputs: Output[] = [];
  lines.forEach((text, index) => {
    const raw = RawEvent.parse(JSON.parse(text));
    for (const event of transformer.transform(raw, context(index + 1, raw.metadata['cluster']))) outputs.push({ line: index + 1, event });
  });
  return outputs;
}

const on = (outputs: Output[], type: string, name?: string) => outputs.filter(({ event }) => event.type === type && (name === undefined || event.entity?.name === name));

function watch(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: Record<string, unknown>, timestamp = '2026-03-02T10:00:00Z'): RawEvent {
  return RawEvent.parse({ timestamp, type, source: 'kubeapi', metadata: { cluster: 'prod-west', collector: 'kubeapi' }, data: { type, object } });
}

describe('KubeApiTransformer on the configmap-cascade recording', () => {
  const outputs = replay('configmap-cascade');

  it('produces only valid UnifiedEvents', () => {
    for (const { event } of outputs) expect(UnifiedEvent.safeParse(event).success).toBe(true);
  });

  it('reports the ConfigMap edit as config_changed with the line it changed, and nothing else of the content', () => {
    const changed = on(outputs, 'config_changed');
    expect(changed).toHaveLength(1);
    const { line, event } = changed[0] as Output;
    expect(line).toBe(107);
    expect(event.timestamp).toBe('2026-03-02T10:03:12Z');
    expect(event.entity).toMatchObject({ kind: 'ConfigMap', namespace: 'shop', name: 'checkout-config', cluster: 'prod-west' });
    expect(event.message).toBe('ConfigMap shop/checkout-config changed: application.yaml: line 12 added: "   applePay: true"');
    expect(event.kubernetes?.changes).toEqual([{ path: 'data.application.yaml', op: 'changed', lines: [{ line: 12, after: '   applePay: true' }] }]);
    // Only the changed line travels: the rest of the file stays in the transformer.
    expect(JSON.stringify(event)).not.toContain('shutdownTimeout');
  });

  it("reports the Deployment's pod template change (the checksum/config bump), not its status churn", () => {
    const specChanges = on(outputs, 'workload_spec_changed');
    expect(specChanges.map(({ line, event }) => [line, event.entity?.name])).toEqual([[111, 'checkout']]);
    const change = specChanges[0]?.event.kubernetes?.changes?.find((item) => item.path === 'spec.template.annotations.checksum/config');
    expect(change).toMatchObject({ op: 'changed', after: '0e34b3a4ae467a16e18fcf4dba94d4cae8a5cc05b5a3b3095c2886369500f817' });
  });

  it('reports the crash loop of the new pods, with restarts exiting 1, and the stalled rollout', () => {
    for (const pod of ['checkout-h255j8bmp-5rkwm', 'checkout-h255j8bmp-m6cqz']) {
      expect(on(outputs, 'crash_loop', pod).length).toBeGreaterThanOrEqual(3);
      const restarts = on(outputs, 'pod_restart', pod);
      expect(restarts.map(({ event }) => event.kubernetes?.restartCount)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      for (const { event } of restarts) expect(event.kubernetes).toMatchObject({ container: 'checkout', exitCode: 1, restartDelta: 1 });
    }
    expect(on(outputs, 'rollout_stalled', 'checkout')).toHaveLength(1);
  });

  it('folds a repeated BackOff Event into a few signals with growing counts, not one per MODIFIED', () => {
    const backOff = outputs.filter(({ event }) => event.kubernetes?.eventReason === 'BackOff' && event.entity?.name === 'checkout-h255j8bmp-5rkwm');
    // The recording MODIFIES this Event 27 times (count 1 -> 28).
    expect(backOff.map(({ event }) => event.kubernetes?.count)).toEqual([1, 2, 4, 8, 16]);
    expect(new Set(backOff.map(({ event }) => event.id)).size).toBe(backOff.length);
    for (const { event } of backOff) {
      expect(event.type).toBe('crash_loop');
      expect(event.entity).toMatchObject({ kind: 'Pod', namespace: 'shop', uid: 'ec8add94-e0c5-4c96-98cf-7825b4142e66' });
      expect(event.kubernetes?.container).toBe('checkout');
    }
  });

  it('signals a repeating Event again after the refold interval even when its count has not doubled', () => {
    const transformer = new KubeApiTransformer({ eventRefoldMs: 60_000 });
    const event = (count: number, timestamp: string) =>
      watch(count === 1 ? 'ADDED' : 'MODIFIED', {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'p.1', namespace: 'shop', uid: 'ev-1', resourceVersion: String(count) },
        involvedObject: { kind: 'Pod', name: 'p', namespace: 'shop' },
        reason: 'Unhealthy',
        message: 'Readiness probe failed',
        type: 'Warning',
        count,
      }, timestamp);
    const counts = [
      [1, '2026-03-02T10:00:00Z'],
      [2, '2026-03-02T10:00:10Z'],
      [3, '2026-03-02T10:00:20Z'],
      [5, '2026-03-02T10:02:00Z'],
    ] as const;
    const signalled = counts.flatMap(([count, at]) => transformer.transform(event(count, at), context(count)).map((out) => out.kubernetes?.count));
    expect(signalled).toEqual([1, 2, 5]);
  });
});

describe('KubeApiTransformer on the oom-cascade recording', () => {
  const outputs = replay('oom-cascade');

  it('reports each OOM kill of the recommendations pods once, with exit code 137', () => {
    const finalRestarts: Record<string, number> = { 'recommendations-dchfxxckg-bwbhw': 7, 'recommendations-dchfxxckg-p2xk6': 6, 'recommendations-dchfxxckg-sksp5': 6 };
    for (const [pod, restarts] of Object.entries(finalRestarts)) {
      const kills = on(outputs, 'oom_killed', pod);
      expect(kills.length, pod).toBe(restarts);
      for (const { event } of kills) {
        expect(event.kubernetes).toMatchObject({ container: 'recommendations', reason: 'OOMKilled', exitCode: 137 });
        expect(event.severity).toBe('high');
      }
    }
  });

  it('reports memory pressure on node-2 (condition and kubelet Events) and the eviction of the analytics pod', () => {
    const pressure = on(outputs, 'memory_pressure');
    expect(new Set(pressure.map(({ event }) => `${event.entity?.kind}/${event.entity?.name}`))).toEqual(new Set(['Node/node-2']));
    const fromCondition = pressure.find(({ event }) => event.kubernetes?.condition === 'MemoryPressure');
    expect(fromCondition?.event.timestamp).toBe('2026-03-04T14:28:20Z');
    expect(fromCondition?.event.entity?.namespace).toBeUndefined();

    const evictions = on(outputs, 'pod_evicted');
    expect(evictions.length).toBeGreaterThanOrEqual(1);
    for (const { event } of evictions) {
      expect(event.entity).toMatchObject({ kind: 'Pod', namespace: 'analytics', name: 'report-worker-tzj7gfr2dm-fb7z6' });
      expect(event.message).toMatch(/low on resource: memory/);
    }
    const firstEviction = Math.min(...evictions.map(({ line }) => line));
    expect(firstEviction).toBeGreaterThan(fromCondition?.line ?? Infinity);
  });
});

describe('KubeApiTransformer on the benign-rollout recording', () => {
  const outputs = replay('benign-rollout');

  it('reports no failure signal except the one transient readiness probe failure', () => {
    const failures = outputs.filter(({ event }) => EVENT_SEMANTICS[event.type].failure);
    expect(failures.map(({ event }) => `${event.type} ${event.entity?.name}`)).toEqual(['probe_failed frontend-f6ctxvmqc4-pwn7l']);
    expect(failures[0]?.event.severity).toBe('low');
  });

  it('reports the image change as the only pod template change', () => {
    const changes = on(outputs, 'workload_spec_changed');
    expect(changes).toHaveLength(1);
    expect(changes[0]?.event.kubernetes?.changes).toEqual([
      { path: 'spec.containers[catalog].image', op: 'changed', before: 'registry.acme.io/shop/catalog:3.8.1', after: 'registry.acme.io/shop/catalog:3.8.2' },
    ]);
  });
});

describe('KubeApiTransformer change detection', () => {
  const pod = (resourceVersion: string, change: (object: Record<string, any>) => void = () => undefined) => {
    const object: Record<string, any> = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-1', namespace: 'shop', uid: 'pod-1', resourceVersion, labels: { app: 'web', tier: 'front' } },
      spec: { nodeName: 'node-1', containers: [{ name: 'web', image: 'web:1' }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null }], containerStatuses: [{ name: 'web', ready: true, restartCount: 0, state: { running: {} } }] },
    };
    change(object);
    return object;
  };

  it('reports nothing for a version that changes only the resourceVersion and status noise', () => {
    const transformer = new KubeApiTransformer();
    expect(transformer.transform(watch('ADDED', pod('1')), context(1)).map((event) => event.type)).toEqual(['resource_created']);
    const noise = pod('2', (object) => {
      object['status'].conditions[0].lastProbeTime = '2026-03-02T10:00:05Z';
      object['metadata'].labels = { tier: 'front', app: 'web' };
    });
    expect(transformer.transform(watch('MODIFIED', noise), context(2))).toEqual([]);
  });

  it('reports a version whose facts changed (a label), with what changed', () => {
    const transformer = new KubeApiTransformer();
    transformer.transform(watch('ADDED', pod('1')), context(1));
    const relabelled = transformer.transform(watch('MODIFIED', pod('2', (object) => (object['metadata'].labels.app = 'web-canary'))), context(2));
    expect(relabelled.map((event) => event.type)).toEqual(['resource_updated']);
    expect(relabelled[0]?.kubernetes?.object?.labels).toEqual({ app: 'web-canary', tier: 'front' });
    expect(relabelled[0]?.kubernetes?.object?.resourceVersion).toBe('2');
  });
});

describe('KubeApiTransformer on deleted configuration', () => {
  it('reports a deleted ConfigMap as resource_deleted and as config_changed naming the keys it took away', () => {
    const transformer = new KubeApiTransformer();
    const configMap = (resourceVersion: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'flags', namespace: 'shop', uid: 'cm-1', resourceVersion }, data: { 'flags.json': '{}', 'limits.yaml': 'a: 1' } });
    transformer.transform(watch('ADDED', configMap('1')), context(1));
    const gone = transformer.transform(watch('DELETED', configMap('2')), context(2));
    expect(gone.map((event) => event.type)).toEqual(['resource_deleted', 'config_changed']);
    expect(gone[1]?.message).toBe('ConfigMap shop/flags deleted (data keys flags.json, limits.yaml)');
    expect(gone[1]?.kubernetes?.changes?.map((change) => `${change.op} ${change.path}`)).toEqual(['removed data.flags.json', 'removed data.limits.yaml']);
    expect(new Set(gone.map((event) => event.id)).size).toBe(2);
  });
});

describe('KubeApiTransformer after a restart, remembering what the graph stored', () => {
  const configMap = (resourceVersion: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'flags', namespace: 'shop', uid: 'cm-1', resourceVersion }, data });
  const deployment = (resourceVersion: string, generation: number, replicas: number, image: string) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', uid: 'dep-1', resourceVersion, generation },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } } },
  });

  /** What the graph holds after a first Tapio saw `object`: the node its lifecycle event set. */
  function storedAfterSeeing(object: Record<string, unknown>): ResourceNode {
    const [event] = new KubeApiTransformer().transform(watch('ADDED', object), context(1));
    return { key: entityKey(event!.entity!), ref: event!.entity!, facts: event!.kubernetes!.object!, deleted: false, updatedAt: event!.timestamp };
  }

  function restarted(...stored: ResourceNode[]): KubeApiTransformer {
    const transformer = new KubeApiTransformer();
    transformer.remember(stored);
    return transformer;
  }

  it('reports nothing for an object that did not change while it was away (the relist after a restart)', () => {
    const transformer = restarted(storedAfterSeeing(configMap('1', { a: '1' })), storedAfterSeeing(deployment('5', 2, 3, 'web:1')));
    expect(transformer.transform(watch('ADDED', configMap('1', { a: '1' })), context(2))).toEqual([]);
    expect(transformer.transform(watch('ADDED', deployment('6', 2, 3, 'web:1')), context(3))).toEqual([]);
  });

  it('reports a ConfigMap edited while it was away as config_changed, with the keys it can tell', () => {
    const edited = restarted(storedAfterSeeing(configMap('1', { a: '1', b: '2' }))).transform(watch('ADDED', configMap('7', { a: '9', b: '2' })), context(2));
    expect(edited.map((event) => event.type)).toEqual(['config_changed']);
    expect(edited[0]?.message).toBe('ConfigMap shop/flags changed while Tapio was not watching: data edited');
    const rekeyed = restarted(storedAfterSeeing(configMap('1', { a: '1', b: '2' }))).transform(watch('MODIFIED', configMap('8', { a: '1', c: '3' })), context(3));
    expect(rekeyed[0]?.kubernetes?.changes?.map((change) => `${change.op} ${change.path}`)).toEqual(['added data.c', 'removed data.b']);
  });

  it('tells a pod template change from a scale by generation and replicas, then diffs in full from the next version', () => {
    const stored = storedAfterSeeing(deployment('5', 2, 3, 'web:1'));
    const templated = restarted(stored);
    const changed = templated.transform(watch('MODIFIED', deployment('6', 3, 3, 'web:2')), context(2));
    expect(changed.map((event) => event.type)).toEqual(['workload_spec_changed']);
    expect(changed[0]?.message).toContain('while Tapio was not watching (generation 2 → 3)');
    const next = templated.transform(watch('MODIFIED', deployment('7', 4, 3, 'web:3')), context(3));
    expect(next[0]?.kubernetes?.changes?.find((change) => change.path.endsWith('.image'))).toMatchObject({ before: 'web:2', after: 'web:3' });
    const scaled = restarted(stored).transform(watch('MODIFIED', deployment('8', 3, 5, 'web:1')), context(4));
    expect(scaled.map((event) => event.type)).toEqual(['workload_scaled']);
  });

  it('without remembering, the same relist makes every object new (what remember is for)', () => {
    const fresh = new KubeApiTransformer().transform(watch('ADDED', configMap('7', { a: '9', b: '2' })), context(2));
    expect(fresh.map((event) => event.type)).toEqual(['resource_created']);
  });
});

describe('KubeApiTransformer on Endpoints', () => {
  const endpoints = (resourceVersion: string, ready: string[]) => ({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'shop', uid: 'ep-1', resourceVersion },
    subsets: ready.length ? [{ addresses: ready.map((ip) => ({ ip })), ports: [{ port: 8080 }] }] : [],
  });

  it('signals service_unavailable on the Service when the last ready endpoint goes, and service_restored when one is back', () => {
    const transformer = new KubeApiTransformer();
    transformer.transform(watch('ADDED', endpoints('1', ['10.0.0.1'])), context(1));
    const gone = transformer.transform(watch('MODIFIED', endpoints('2', [])), context(2));
    expect(gone.map((event) => `${event.type} ${event.entity?.kind}/${event.entity?.name}`)).toEqual(['endpoints_changed Endpoints/web', 'service_unavailable Service/web']);
    const back = transformer.transform(watch('MODIFIED', endpoints('3', ['10.0.0.2'])), context(3));
    expect(back.map((event) => `${event.type} ${event.entity?.kind}/${event.entity?.name}`)).toEqual(['endpoints_changed Endpoints/web', 'service_restored Service/web']);
    expect(back[1]?.message).toBe('Service shop/web has 1 ready endpoint again');
    expect(back[1]?.severity).toBe('info');
  });
});

describe('KubeApiTransformer keeps Secret values out of its output', () => {
  it('never emits a Secret value from the recordings, neither base64 nor decoded', () => {
    const text = JSON.stringify(['configmap-cascade', 'oom-cascade', 'benign-rollout'].flatMap(replay).map(({ event }) => event));
    expect(text).not.toContain('PHJlZGFjdGVkOnYxPg==');
    expect(text).not.toContain('<redacted:v1>');
  });

  it('reports a rotation of values it may not read as secret_changed: the resourceVersion moved, the metadata did not', () => {
    const transformer = new KubeApiTransformer();
    const secret = (value: string, resourceVersion: string) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'payments-db-credentials',
        namespace: 'payments',
        uid: 'sec-1',
        resourceVersion,
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ stringData: { username: 'app', password: value } }) },
      },
      type: 'Opaque',
      data: { username: Buffer.from('app').toString('base64'), password: Buffer.from(value).toString('base64') },
    });
    const first = transformer.transform(watch('ADDED', secret('hunter2-old-value', '1')), context(1));
    const second = transformer.transform(watch('MODIFIED', secret('s3cr3t-new-value', '2')), context(2));
    const text = JSON.stringify([...first, ...second]);
    for (const value of ['hunter2-old-value', 's3cr3t-new-value']) {
      expect(text).not.toContain(value);
      expect(text).not.toContain(Buffer.from(value).toString('base64'));
    }
    expect(second.map((event) => event.type)).toEqual(['secret_changed']);
    expect(second[0]?.message).toBe('Secret payments/payments-db-credentials changed: data edited (values are not read; its resourceVersion moved while its metadata stayed)');
    expect(second[0]?.kubernetes?.changes).toEqual([{ path: 'data', op: 'changed' }]);
    expect(second[0]?.kubernetes?.object?.dataKeys).toEqual(['password', 'username']);
    // No hash of a value either: a content hash exists only over keyed fingerprints.
    expect(second[0]?.kubernetes?.object?.contentHash).toBeUndefined();
  });

  it('reads keys from the redacted last-applied annotation of a metadata-only Secret, and says nothing when only its labels changed', () => {
    const transformer = new KubeApiTransformer();
    const secret = (resourceVersion: string, labels: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'pay', uid: 'sec-2', resourceVersion, labels, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"<redacted>"}}' } },
    });
    const first = transformer.transform(watch('ADDED', secret('1', { team: 'a' })), context(1));
    expect(first[0]?.kubernetes?.object?.dataKeys).toEqual(['password']);
    const relabelled = transformer.transform(watch('MODIFIED', secret('2', { team: 'b' })), context(2));
    expect(relabelled.map((event) => event.type)).toEqual(['resource_updated']);
    expect(transformer.transform(watch('MODIFIED', secret('3', { team: 'b' })), context(3)).map((event) => event.type)).toEqual(['secret_changed']);
  });

  it('with keyed fingerprints names the key whose value changed, and hashes only the fingerprints', () => {
    const transformer = new KubeApiTransformer();
    const fp = (char: string) => `hmac-sha256:${char.repeat(64)}`;
    const secret = (resourceVersion: string, password: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'pay', uid: 'sec-3', resourceVersion }, data: { user: fp('a'), password } });
    const first = transformer.transform(watch('ADDED', secret('1', fp('b'))), context(1));
    expect(first[0]?.kubernetes?.object?.contentHash).toMatch(/^[0-9a-f]{16}$/);
    const rotated = transformer.transform(watch('MODIFIED', secret('2', fp('c'))), context(2));
    expect(rotated.map((event) => [event.type, event.message])).toEqual([['secret_changed', 'Secret pay/db changed: data key password edited']]);
    expect(transformer.transform(watch('MODIFIED', secret('3', fp('c'))), context(3))).toEqual([]);
  });
});

describe('KubeApiTransformer rejects malformed watch events with a clear reason', () => {
  const transformer = new KubeApiTransformer();
  const raw = (data: unknown, type = 'ADDED') => RawEvent.parse({ timestamp: '2026-03-02T10:00:00Z', type, source: 'kubeapi', metadata: {}, data });
  const cases: Array<[string, RawEvent, string]> = [
    ['data is not an object', raw('ADDED'), 'kubeapi: data.type must be ADDED, MODIFIED, DELETED, BOOKMARK or ERROR, got undefined'],
    ['unknown watch type', raw({ type: 'UPSERTED', object: {} }), 'kubeapi: data.type must be ADDED, MODIFIED, DELETED, BOOKMARK or ERROR, got "UPSERTED"'],
    ['object missing', raw({ type: 'ADDED' }), 'kubeapi: data.object must be an object'],
    ['kind missing', raw({ type: 'ADDED', object: { metadata: { name: 'x' } } }), 'kubeapi: data.object.kind is missing'],
    ['name missing', raw({ type: 'ADDED', object: { kind: 'Pod', metadata: {} } }), 'kubeapi: data.object.metadata.name is missing (kind Pod)'],
    ['verbs disagree', raw({ type: 'MODIFIED', object: { kind: 'Pod', metadata: { name: 'x' } } }, 'ADDED'), 'kubeapi: type "ADDED" disagrees with data.type "MODIFIED"'],
    ['watch ERROR', raw({ type: 'ERROR', object: { kind: 'Status', message: 'too old resource version: 5 (10)' } }), 'kubeapi: watch ERROR event: too old resource version: 5 (10)'],
    ['Event without involvedObject', raw({ type: 'ADDED', object: { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'shop', uid: 'e1' }, reason: 'BackOff' } }), 'kubeapi: Event shop/e has no involvedObject kind/name'],
  ];
  it.each(cases)('%s', (_name, input, message) => {
    expect(() => transformer.transform(input, context(1))).toThrow(message);
  });

  it('ignores BOOKMARK events', () => {
    expect(transformer.transform(raw({ type: 'BOOKMARK', object: { kind: 'Pod', metadata: { resourceVersion: '9' } } }, 'BOOKMARK'), context(1))).toEqual([]);
  });
});
