import { describe, expect, it } from 'vitest';
import { RawEvent, entityKey, type ResourceNode } from '@tapio/domain';
import { context, replay, watch } from './kubeapi-transformer.test-support.js';
import { KubeApiTransformer } from './kubeapi-transformer.js';

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

  it('a Secret made with kubectl create, then applied: keys first known from the annotation are an edit, not keys added', () => {
    const transformer = new KubeApiTransformer();
    const secret = (resourceVersion: string, annotations?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-credentials', namespace: 'accounts', uid: 'sec-2', resourceVersion, ...(annotations ? { annotations } : {}) } });
    transformer.transform(watch('ADDED', secret('1')), context(1));
    const applied = transformer.transform(watch('MODIFIED', secret('2', { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ data: { password: '<redacted>', username: '<redacted>' } }) })), context(2));
    expect(applied.map((event) => event.type)).toEqual(['secret_changed']);
    expect(applied[0]?.message).toBe('Secret accounts/db-credentials changed: data edited (values are not read; keys password, username)');
    expect(applied[0]?.kubernetes?.changes).toEqual([{ path: 'data', op: 'changed' }]);
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
