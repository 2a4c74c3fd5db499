import { describe, expect, it } from 'vitest';
import { context, watch } from './kubeapi-transformer.test-support.js';
import { KubeApiTransformer } from './kubeapi-transformer.js';
import { limitRangerMemoryDefaults } from './pod-signals.js';

const NOTE = 'LimitRanger plugin set: memory request for container renderer; memory limit for container renderer';

/** A renderer pod after `restarts` OOM kills; `note`: the LimitRanger's annotation on it, when admission set its limit. */
function renderer(resourceVersion: string, restarts: number, note?: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'renderer-1', namespace: 'content', uid: 'pod-1', resourceVersion, ...(note ? { annotations: { 'kubernetes.io/limit-ranger': note } } : {}) },
    spec: { nodeName: 'node-1', containers: [{ name: 'renderer', image: 'renderer:0.15', resources: { limits: { memory: '128Mi' }, requests: { memory: '64Mi' } } }] },
    status: {
      phase: 'Running',
      containerStatuses: [{ name: 'renderer', ready: false, restartCount: restarts, state: { running: {} }, ...(restarts ? { lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } } : {}) }],
    },
  };
}

function oomAnnotations(note?: string) {
  const transformer = new KubeApiTransformer();
  transformer.transform(watch('ADDED', renderer('1', 0, note)), context(1));
  const events = transformer.transform(watch('MODIFIED', renderer('2', 1, note)), context(2));
  return events.filter((event) => event.type === 'oom_killed').map((event) => event.annotations ?? {});
}

describe('an OOM kill at a limit the LimitRanger set', () => {
  it('reads which containers the LimitRanger gave a memory limit, init containers included, and none without its note', () => {
    expect([...limitRangerMemoryDefaults({ metadata: { annotations: { 'kubernetes.io/limit-ranger': `${NOTE}; memory limit for init container migrate` } } })]).toEqual(['renderer', 'migrate']);
    expect([...limitRangerMemoryDefaults({ metadata: { annotations: { 'kubernetes.io/limit-ranger': 'LimitRanger plugin set: cpu request for container renderer' } } })]).toEqual([]);
    expect([...limitRangerMemoryDefaults({ metadata: {} })]).toEqual([]);
  });

  it('blames the namespace’s LimitRange for a kill of such a container, and nothing for a limit of the pod’s own', () => {
    expect(oomAnnotations(NOTE)).toEqual([{ 'cause.kind': 'LimitRange', 'memory.limit_from': 'LimitRange' }]);
    expect(oomAnnotations()).toEqual([{}]);
  });
});

/** A database pod after `restarts` exits, its last termination message `message`. */
function database(resourceVersion: string, restarts: number, message: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'db-0', namespace: 'listings', uid: 'pod-db', resourceVersion },
    spec: { nodeName: 'node-1', containers: [{ name: 'postgresql', image: 'postgresql:16' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-0' } }] },
    status: {
      phase: 'Running',
      containerStatuses: [{ name: 'postgresql', ready: false, restartCount: restarts, state: { waiting: { reason: 'CrashLoopBackOff' } }, ...(restarts ? { lastState: { terminated: { exitCode: 1, reason: 'Error', message } } } : {}) }],
    },
  };
}

describe('a container that exits for a full disk', () => {
  const PANIC = 'PANIC:  could not write to file "pg_wal/xlogtemp.2211907": No space left on device\nLOG:  database system is shut down';

  it('says so on its restart and crash loop (storage.full), never the termination message itself', () => {
    const transformer = new KubeApiTransformer();
    transformer.transform(watch('ADDED', database('1', 0, PANIC)), context(1));
    const events = transformer.transform(watch('MODIFIED', database('2', 1, PANIC)), context(2));
    const restart = events.find((event) => event.type === 'pod_restart');
    expect(restart?.annotations).toEqual({ 'storage.full': 'true' });
    expect(restart?.message).toBe('Container postgresql of pod listings/db-0 restarted (1 restarts, last exit: Error code 1); it exited for a full disk (No space left on device)');
    expect(JSON.stringify(events)).not.toContain('pg_wal');
  });

  it('says nothing of the disk for another exit', () => {
    const transformer = new KubeApiTransformer();
    transformer.transform(watch('ADDED', database('1', 0, 'FATAL: password authentication failed')), context(1));
    const events = transformer.transform(watch('MODIFIED', database('2', 1, 'FATAL: password authentication failed')), context(2));
    expect(events.filter((event) => event.annotations?.['storage.full'])).toEqual([]);
  });
});
