import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '@tapio/domain';
import { MemoryApiServer, unreachableError } from '../../test/support/memory-api-server.js';
import type { BackoffPolicy } from './backoff.js';
import { KubeApiError } from './kube-api-error.js';
import type { KubeObject } from './kube-object.js';
import { ResourceInformer, type ChangeType } from './resource-informer.js';
import { WATCHED_RESOURCES, type WatchedResource } from './watched-resources.js';

const PODS = WATCHED_RESOURCES.find((resource) => resource.id === 'Pod') as WatchedResource;
const podObject = (uid: string, image = 'app:1', namespace = 'shop'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `pod-${uid}`, namespace, uid },
  spec: { containers: [{ name: 'app', image }] },
});

async function eventually(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 5));
  }
}

describe('ResourceInformer', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  function run(
    api: MemoryApiServer,
    options: { deliver?: (type: ChangeType, object: KubeObject) => Promise<void>; pageSize?: number; accepts?: (object: KubeObject) => boolean; backoff?: BackoffPolicy } = {},
  ) {
    const delivered: { type: ChangeType; object: KubeObject }[] = [];
    const failures: string[] = [];
    const informer = new ResourceInformer({
      resource: PODS,
      api,
      deliver: options.deliver ?? (async (type, object) => void delivered.push({ type, object })),
      accepts: options.accepts ?? (() => true),
      backoff: options.backoff ?? { initialMs: 1, maxMs: 5, factor: 2, jitter: 0 },
      listPageSize: options.pageSize ?? 500,
      watchTimeoutSeconds: 60,
      logger: silentLogger,
      onStatus: (status) => {
        if (status.error) failures.push(`${status.error.failure}: ${status.error.message}`);
      },
    });
    const abort = new AbortController();
    const done = informer.run(abort.signal);
    stops.push(async () => {
      abort.abort();
      await done;
    });
    const summary = () => delivered.map(({ type, object }) => `${type} ${object.metadata?.uid}@${object.metadata?.resourceVersion}`);
    return { informer, delivered, summary, failures };
  }

  it('lists every page, fills kind/apiVersion, then watches from the list version', async () => {
    const api = new MemoryApiServer();
    for (const uid of ['a', 'b', 'c', 'd', 'e']) api.put(podObject(uid));
    const { informer, delivered } = run(api, { pageSize: 2 });
    await eventually(() => informer.snapshot().synced && api.openWatches === 1, 'sync');
    expect(api.listCalls.map((call) => call.continueToken)).toEqual([undefined, '2', '4']);
    expect(delivered.map(({ type, object }) => `${type} ${object.kind} ${object.apiVersion} ${object.metadata?.uid}`)).toEqual(
      ['a', 'b', 'c', 'd', 'e'].map((uid) => `ADDED Pod v1 ${uid}`),
    );
    expect(api.watchCalls).toEqual(['5']);
    api.put(podObject('a', 'app:2'));
    api.remove('b');
    await eventually(() => delivered.length === 7, 'watch events');
    expect(delivered.slice(5).map(({ type, object }) => `${type} ${object.metadata?.uid}@${object.metadata?.resourceVersion}`)).toEqual(['MODIFIED a@6', 'DELETED b@7']);
    expect(informer.snapshot()).toMatchObject({ objects: 4, resourceVersion: '7', lists: 1 });
  });

  it('resumes a cleanly closed watch from the last bookmark without relisting', async () => {
    const api = new MemoryApiServer();
    api.put(podObject('a'));
    const { informer, delivered } = run(api);
    await eventually(() => api.openWatches === 1, 'watch');
    api.silently(() => api.put(podObject('unrelated-namespace-churn')));
    api.expiredBefore = 0;
    api.bookmark();
    await eventually(() => informer.snapshot().resourceVersion === '2', 'bookmark');
    api.endWatches();
    await eventually(() => api.watchCalls.length === 2, 're-watch');
    expect(api.watchCalls).toEqual(['1', '2']);
    expect(api.listCalls).toHaveLength(1);
    expect(delivered).toHaveLength(1);
  });

  it('on 410 Gone (a watch resumed after a compaction) relists and diffs: MODIFIED for changes, synthetic DELETED (last state) for what vanished, ADDED for what appeared', async () => {
    const api = new MemoryApiServer();
    for (const uid of ['keep', 'change', 'vanish']) api.put(podObject(uid));
    const { informer, summary, delivered } = run(api);
    await eventually(() => api.openWatches === 1, 'watch');
    api.silently(() => {
      api.put(podObject('change', 'app:2'));
      api.remove('vanish');
      api.put(podObject('appear'));
    });
    api.endWatches(unreachableError());
    await eventually(() => informer.snapshot().lists === 2 && delivered.length === 6, 'relist');
    expect(summary().slice(3)).toEqual(['DELETED vanish@3', 'MODIFIED change@4', 'ADDED appear@6']);
    expect(api.watchCalls).toEqual(['3', '3', '6']);
    expect(informer.snapshot()).toMatchObject({ objects: 3, resourceVersion: '6' });
    expect(informer.snapshot().error).toBeUndefined();
  });

  it('paces relists when every watch expires at once instead of spinning', async () => {
    const api = new MemoryApiServer();
    api.put(podObject('a'));
    api.expiredBefore = Number.POSITIVE_INFINITY;
    const { summary } = run(api, { backoff: { initialMs: 50, maxMs: 50, factor: 2, jitter: 0 } });
    await new Promise((done) => setTimeout(done, 300));
    expect(api.listCalls.length).toBeGreaterThanOrEqual(3);
    expect(api.listCalls.length).toBeLessThanOrEqual(8);
    expect(summary()).toEqual(['ADDED a@1']);
  });

  it('resumes a broken watch from its last resourceVersion without relisting: what changed meanwhile arrives once', async () => {
    const api = new MemoryApiServer();
    api.put(podObject('a'));
    const { informer, summary, failures } = run(api);
    await eventually(() => api.openWatches === 1, 'watch');
    api.watchFailures.push(unreachableError(), unreachableError());
    api.endWatches(unreachableError());
    api.put(podObject('b'));
    api.put(podObject('a', 'app:2'));
    api.remove('b');
    await eventually(() => summary().length === 4 && informer.snapshot().error === undefined, 'recovery');
    expect(summary()).toEqual(['ADDED a@1', 'ADDED b@2', 'MODIFIED a@3', 'DELETED b@4']);
    expect(api.listCalls).toHaveLength(1);
    expect(api.watchCalls).toEqual(['1', '1', '1', '1']);
    // The break and the two refused attempts.
    expect(failures).toEqual(Array(3).fill('unreachable: list /api/v1/pods on memory://api: API server unreachable (ECONNRESET socket hang up)'));
    expect(informer.snapshot()).toMatchObject({ resourceVersion: '4', lists: 1 });
  });

  it('relists when the list itself fails, reporting each new failure until it recovers', async () => {
    const api = new MemoryApiServer();
    api.put(podObject('a'));
    api.listFailures.push(unreachableError(), new KubeApiError('forbidden', 'list /api/v1/pods on memory://api: HTTP 403 (pods is forbidden)', 403));
    const { informer, summary, failures } = run(api);
    await eventually(() => informer.snapshot().synced && informer.snapshot().error === undefined, 'recovery');
    expect(failures).toEqual([
      'unreachable: list /api/v1/pods on memory://api: API server unreachable (ECONNRESET socket hang up)',
      'forbidden: list /api/v1/pods on memory://api: HTTP 403 (pods is forbidden)',
    ]);
    expect(api.listCalls).toHaveLength(3);
    expect(summary()).toEqual(['ADDED a@1']);
  });

  it('treats a watch ERROR other than 410 as a failure with its status and resumes the watch', async () => {
    const api = new MemoryApiServer();
    const { informer, failures } = run(api);
    await eventually(() => api.openWatches === 1, 'watch');
    api.sendError(401, 'Unauthorized');
    await eventually(() => api.watchCalls.length === 2 && informer.snapshot().error === undefined, 'recovery');
    expect(failures).toEqual(['unauthorized: watch /api/v1/pods: server reported error 401 (Unauthorized)']);
    expect(api.listCalls).toHaveLength(1);
  });

  it('does not lose an event whose delivery failed: the relist delivers it again', async () => {
    const api = new MemoryApiServer();
    api.put(podObject('a'));
    const delivered: string[] = [];
    let failNext = false;
    const { informer } = run(api, {
      deliver: async (type, object) => {
        if (failNext) {
          failNext = false;
          throw new Error('sink closed');
        }
        delivered.push(`${type} ${object.metadata?.uid}@${object.metadata?.resourceVersion}`);
      },
    });
    await eventually(() => api.openWatches === 1, 'watch');
    failNext = true;
    api.put(podObject('b'));
    await eventually(() => informer.snapshot().lists === 2 && delivered.length === 2, 'redelivery');
    expect(delivered).toEqual(['ADDED a@1', 'ADDED b@2']);
  });

  it('skips replayed state it already delivered and turns ADDED for a known object into MODIFIED', async () => {
    const api = new MemoryApiServer();
    const a = api.put(podObject('a'));
    const { summary } = run(api);
    await eventually(() => api.openWatches === 1, 'watch');
    // What fabric8's mock does on every new watch: the whole state again as ADDED.
    api.endWatches();
    await eventually(() => api.openWatches === 1 && api.watchCalls.length === 2, 're-watch');
    api.replay({ type: 'ADDED', object: a });
    api.replay({ type: 'ADDED', object: { ...a, metadata: { ...a.metadata, resourceVersion: '9' } } });
    await eventually(() => summary().length === 2, 'events');
    expect(summary()).toEqual(['ADDED a@1', 'MODIFIED a@9']);
  });

  it('neither caches nor delivers objects outside the namespace filter', async () => {
    const api = new MemoryApiServer();
    api.put(podObject('in', 'app:1', 'shop'));
    api.put(podObject('out', 'app:1', 'kube-system'));
    const { informer, summary } = run(api, { accepts: (object) => object.metadata?.namespace !== 'kube-system' });
    await eventually(() => api.openWatches === 1, 'watch');
    api.put(podObject('out', 'app:2', 'kube-system'));
    api.put(podObject('in', 'app:2', 'shop'));
    await eventually(() => summary().length === 2, 'events');
    expect(summary()).toEqual(['ADDED in@1', 'MODIFIED in@4']);
    expect(informer.snapshot().objects).toBe(1);
  });
});
