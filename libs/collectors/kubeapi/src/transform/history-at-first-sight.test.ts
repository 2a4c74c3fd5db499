import { describe, expect, it } from 'vitest';
import type { UnifiedEvent } from '@tapio/domain';
import { atSecond as at, transformAll as run, watchAt as watch } from './kubeapi-transformer.test-support.js';

const namespace = (phase: 'Active' | 'Terminating') => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'billing', uid: 'ns-billing', resourceVersion: phase === 'Active' ? '1' : '2' }, status: { phase } });
function event(reason: string, involved: Record<string, unknown>, message: string, second = 0): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Event', metadata: { name: `${String(involved['name'])}.${reason}`, namespace: 'billing', uid: `ev-${reason}-${String(involved['name'])}`, resourceVersion: String(300 + second) }, involvedObject: involved, reason, message, type: 'Warning', count: 1, lastTimestamp: at(second), source: { component: 'kubelet' } };
}
const job = { kind: 'Job', name: 'invoice-export', namespace: 'billing', uid: 'job-1' };
const gaveUp = () => event('DeadlineExceeded', job, 'Job was active longer than specified deadline');
function pod(ready: boolean): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'reporter-1', namespace: 'billing', uid: 'pod-1', resourceVersion: '50' },
    spec: { nodeName: 'node-1', containers: [{ name: 'reporter', image: 'reporter:1' }] },
    status: { phase: ready ? 'Running' : 'Pending', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], containerStatuses: [{ name: 'reporter', ready, restartCount: 0, state: ready ? { running: { startedAt: at(0) } } : { waiting: { reason: 'ContainerCreating' } } }] },
  };
}
const mountFailed = () => event('FailedMount', { kind: 'Pod', name: 'reporter-1', namespace: 'billing', uid: 'pod-1' }, 'MountVolume.SetUp failed for volume "kube-api-access-k85s7" : failed to sync configmap cache: timed out waiting for the condition');
const types = (events: UnifiedEvent[]) => events.map((item) => item.type);

describe('kubeapi transformer: what a starting list repeats is not news', () => {
  it('a failure inside a namespace being deleted goes unsaid (a Job that gave up before the deletion)', () => {
    expect(types(run([watch('ADDED', namespace('Active')), watch('ADDED', gaveUp())]))).toContain('job_failed');
    expect(types(run([watch('ADDED', namespace('Terminating')), watch('ADDED', gaveUp())]))).not.toContain('job_failed');
  });

  it('a failure Event ten minutes old at its first sight is history: a plain event of severity info, not a failure', () => {
    const listedAt = (second: number) => run([watch('ADDED', namespace('Active'), second), watch('ADDED', gaveUp(), second)]).find((item) => item.annotations?.['k8s_event']?.includes('DeadlineExceeded'));
    const fresh = listedAt(9 * 60);
    expect(fresh?.type).toBe('job_failed');
    const old = listedAt(10 * 60 + 5);
    expect(old?.type).toBe('k8s_event');
    expect(old?.severity).toBe('info');
    expect(old?.annotations?.['event.history_seconds']).toBe('605');
    expect(old?.message).toContain('DeadlineExceeded');
  });

  it('an Event seen before and repeated late is news again, however old its first telling', () => {
    const first = event('BackOff', { kind: 'Pod', name: 'reporter-1', namespace: 'billing', uid: 'pod-1' }, 'Back-off restarting failed container reporter');
    const again = { ...first, count: 40, lastTimestamp: at(15 * 60), metadata: { ...(first['metadata'] as Record<string, unknown>), resourceVersion: '999' } };
    const events = run([watch('ADDED', pod(false)), watch('ADDED', first), watch('MODIFIED', again, 15 * 60)]);
    expect(events.filter((item) => item.type === 'crash_loop').length).toBe(2);
  });

  it('a mount failure said of a pod that is now running and ready is marked so; of a pod still waiting, not', () => {
    const marked = (ready: boolean) => run([watch('ADDED', pod(ready)), watch('ADDED', mountFailed())]).find((item) => item.type === 'volume_mount_failed')?.annotations?.['pod.running'];
    expect(marked(true)).toBe('true');
    expect(marked(false)).toBeUndefined();
  });
});
