import { describe, expect, it } from 'vitest';
import { failedScheduling, transformAll as run, unschedulableCauses, watchAt as watch } from './kubeapi-transformer.test-support.js';

const DELETING = '0/1 nodes are available: persistentvolumeclaim "report-cache" is being deleted. not found';
function pendingPod(message: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'reports-2', namespace: 'analytics', uid: 'p-reports-2', resourceVersion: '901' },
    spec: { containers: [{ name: 'reports', image: 'reports:1' }], volumes: [{ name: 'cache', persistentVolumeClaim: { claimName: 'report-cache' } }] },
    status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }] },
  };
}

describe('kubeapi transformer: a claim deleted while pods use it', () => {
  it('names the claim on the scheduler\u2019s Event and on the pod\u2019s status, in the pod\u2019s namespace', () => {
    const events = run([watch('ADDED', pendingPod(DELETING), 5), watch('ADDED', failedScheduling(5, DELETING, { name: 'reports-2', namespace: 'analytics' }), 5)]);
    expect(unschedulableCauses(events)).toEqual(['claim-deleted:report-cache', 'claim-deleted:report-cache']);
    const refusal = events.find((event) => event.type === 'pod_unschedulable');
    expect(refusal?.annotations).toMatchObject({ 'cause.kind': 'PersistentVolumeClaim', 'cause.namespace': 'analytics' });
    expect(refusal?.message).toContain('deleted while pods use it');
  });

  it('a claim that does not exist is not marked (the template names one never created)', () => {
    const missing = '0/1 nodes are available: persistentvolumeclaim "report-cache" not found. not found';
    expect(unschedulableCauses(run([watch('ADDED', pendingPod(missing), 5), watch('ADDED', failedScheduling(5, missing, { name: 'reports-2', namespace: 'analytics' }), 5)]))).toEqual(['-:-', '-:-']);
  });
});
