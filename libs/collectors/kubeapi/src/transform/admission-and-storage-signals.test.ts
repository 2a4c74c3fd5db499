import { describe, expect, it } from 'vitest';
import type { UnifiedEvent } from '@tapio/domain';
import { atSecond as at, transformAll as run, watchAt as watch } from './kubeapi-transformer.test-support.js';

const NS = 'secure-apps';
function namespace(enforce: string | undefined, resourceVersion: string, phase = 'Active'): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, uid: 'ns-1', resourceVersion, ...(enforce ? { labels: { 'pod-security.kubernetes.io/enforce': enforce } } : {}) }, status: { phase } };
}
function event(reason: string, involved: Record<string, unknown>, message: string, second: number): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Event', metadata: { name: `${String(involved['name'])}.${reason}.${second}`, namespace: NS, uid: `ev-${reason}-${second}`, resourceVersion: String(300 + second) }, involvedObject: involved, reason, message, type: 'Warning', count: 1, lastTimestamp: at(second), source: { component: 'replicaset-controller' } };
}
const replicaSet = { kind: 'ReplicaSet', name: 'api-649c7f97f4', namespace: NS, uid: 'rs-1' };
const violates = (second: number) => event('FailedCreate', replicaSet, 'Error creating: pods "api-649c7f97f4-rwsmm" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true (pod or container "api" must set securityContext.runAsNonRoot=true)', second);
const refusal = (events: UnifiedEvent[]) => events.find((item) => item.type === 'replica_create_failed');

describe('kubeapi transformer: admission policy and storage-limit evictions', () => {
  it("a Namespace's Pod Security label change is an admission_policy_changed; its phase moving is not", () => {
    const events = run([watch('ADDED', namespace(undefined, '1')), watch('MODIFIED', namespace('restricted', '2'), 10), watch('MODIFIED', namespace('restricted', '3', 'Terminating'), 20)]);
    const changed = events.filter((item) => item.type === 'admission_policy_changed');
    expect(changed).toHaveLength(1);
    expect(changed[0]?.message).toContain('pod-security.kubernetes.io/enforce');
    expect(events.at(-1)?.type).toBe('resource_updated');
  });

  it('a Pod Security refusal names the Namespace when its level was raised within 30 minutes, not when the level stood', () => {
    const raised = refusal(run([watch('ADDED', namespace(undefined, '1')), watch('MODIFIED', namespace('restricted', '2'), 10), watch('ADDED', violates(25), 25)]));
    expect(raised?.annotations?.['cause.kind']).toBe('Namespace');
    expect(raised?.annotations?.['cause.name']).toBe(NS);
    // The same refusal under a level Tapio found already set, or raised more than 30 minutes before.
    expect(refusal(run([watch('ADDED', namespace('restricted', '1')), watch('ADDED', violates(25), 25)]))?.annotations?.['cause.kind']).toBeUndefined();
    expect(refusal(run([watch('ADDED', namespace(undefined, '1')), watch('MODIFIED', namespace('restricted', '2'), 10), watch('ADDED', violates(31 * 60 + 10), 31 * 60 + 10)]))?.annotations?.['cause.kind']).toBeUndefined();
  });

  it('a refusal for a missing PriorityClass names it when it was deleted while watched, however long ago (else the template named one that never was)', () => {
    const cls = (resourceVersion: string) => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'batch-high', uid: 'pc-1', resourceVersion }, value: 1000 });
    const missing = (second: number) => event('FailedCreate', replicaSet, 'Error creating: pods "api-1" is forbidden: no PriorityClass with name batch-high was found', second);
    const deleted = refusal(run([watch('ADDED', cls('1')), watch('DELETED', cls('2'), 10), watch('ADDED', missing(25), 25)]));
    expect(deleted?.annotations).toMatchObject({ 'cause.kind': 'PriorityClass', 'cause.name': 'batch-high' });
    expect(refusal(run([watch('ADDED', missing(25), 25)]))?.annotations?.['cause.kind']).toBeUndefined();
    // Still missing half an hour on: its absence refuses the next restart as it did the first.
    expect(refusal(run([watch('ADDED', cls('1')), watch('DELETED', cls('2'), 10), watch('ADDED', missing(31 * 60 + 10), 31 * 60 + 10)]))?.annotations?.['cause.kind']).toBe('PriorityClass');
    // Created again since: what refuses now is not that deletion.
    expect(refusal(run([watch('ADDED', cls('1')), watch('DELETED', cls('2'), 10), watch('ADDED', cls('3'), 20), watch('ADDED', missing(25), 25)]))?.annotations?.['cause.kind']).toBeUndefined();
  });

  it('a refusal for a missing ServiceAccount names it when it was deleted while watched, in that namespace', () => {
    const account = (resourceVersion: string, namespace = NS) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'ledger-writer', namespace, uid: `sa-${namespace}`, resourceVersion } });
    const missing = (second: number) => event('FailedCreate', replicaSet, 'Error creating: pods "ledger-766f9c5548-" is forbidden: error looking up service account secure-apps/ledger-writer: serviceaccount "ledger-writer" not found', second);
    const deleted = refusal(run([watch('ADDED', account('1')), watch('DELETED', account('2'), 10), watch('ADDED', missing(25), 25)]));
    expect(deleted?.annotations).toMatchObject({ 'cause.kind': 'ServiceAccount', 'cause.name': 'ledger-writer', 'cause.namespace': NS });
    // Never there (a release named it), or deleted in another namespace: the template's doing.
    expect(refusal(run([watch('ADDED', missing(25), 25)]))?.annotations?.['cause.kind']).toBeUndefined();
    // Deleted half an hour before the next restart, still missing: still the deletion's.
    expect(refusal(run([watch('ADDED', account('1')), watch('DELETED', account('2'), 10), watch('ADDED', missing(31 * 60 + 10), 31 * 60 + 10)]))?.annotations?.['cause.kind']).toBe('ServiceAccount');
    expect(refusal(run([watch('ADDED', account('1', 'other')), watch('DELETED', account('2', 'other'), 10), watch('ADDED', missing(25), 25)]))?.annotations?.['cause.kind']).toBeUndefined();
  });

  it('a refusal by a quota that requires limits names it only when it was created or changed within 30 minutes (else the template dropped them)', () => {
    const quota = (resourceVersion: string, createdSecond: number, cpu = '4') => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'team-share', namespace: NS, uid: 'rq-1', resourceVersion, creationTimestamp: at(createdSecond) }, spec: { hard: { 'limits.cpu': cpu, 'limits.memory': '4Gi' } } });
    const mustSpecify = (second: number) => event('FailedCreate', replicaSet, 'Error creating: pods "api-1" is forbidden: failed quota: team-share: must specify limits.cpu for: api; limits.memory for: api', second);
    expect(refusal(run([watch('ADDED', quota('1', 5), 5), watch('ADDED', mustSpecify(25), 25)]))?.annotations).toMatchObject({ 'cause.kind': 'ResourceQuota', 'cause.name': 'team-share', 'cause.namespace': NS });
    // A quota that stood for hours: the new template dropped its limits.
    expect(refusal(run([watch('ADDED', quota('1', -7200), 0), watch('ADDED', mustSpecify(25), 25)]))?.annotations?.['cause.kind']).toBeUndefined();
    // Its limits changed while watched: the change is recent, whenever it was created.
    expect(refusal(run([watch('ADDED', quota('1', -7200), 0), watch('MODIFIED', quota('2', -7200, '8'), 10), watch('ADDED', mustSpecify(25), 25)]))?.annotations?.['cause.kind']).toBe('ResourceQuota');
    // Never seen: nothing tells when it came.
    expect(refusal(run([watch('ADDED', mustSpecify(25), 25)]))?.annotations?.['cause.kind']).toBeUndefined();
  });

  it('a quota created lately is not named when the workload dropped its limits after it (a release), and is after a routine restart', () => {
    const quota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'team-share', namespace: NS, uid: 'rq-1', resourceVersion: '1', creationTimestamp: at(5) }, spec: { hard: { 'limits.cpu': '4' } } };
    const deployment = (resourceVersion: string, template: Record<string, unknown>) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: NS, uid: 'dep-1', resourceVersion, generation: Number(resourceVersion) },
      spec: { replicas: 1, selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { app: 'api' }, ...template['metadata'] as object }, spec: { containers: [{ name: 'api', image: 'api:1', ...template['container'] as object }] } } },
    });
    const limited = { container: { resources: { limits: { cpu: '200m' } } } };
    const ownedReplicaSet = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'api-649c7f97f4', namespace: NS, uid: 'rs-1', resourceVersion: '40', ownerReferences: [{ kind: 'Deployment', name: 'api', uid: 'dep-1', controller: true }] }, spec: { replicas: 1 } };
    const mustSpecify = event('FailedCreate', replicaSet, 'Error creating: pods "api-1" is forbidden: failed quota: team-share: must specify limits.cpu for: api', 25);
    const released = refusal(run([watch('ADDED', deployment('1', limited), 0), watch('ADDED', quota, 5), watch('MODIFIED', deployment('2', {}), 10), watch('ADDED', ownedReplicaSet, 10), watch('ADDED', mustSpecify, 25)]));
    expect(released?.annotations?.['cause.kind']).toBeUndefined();
    const restarted = refusal(run([watch('ADDED', deployment('1', {}), 0), watch('ADDED', quota, 5), watch('MODIFIED', deployment('2', { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': at(10) } } }), 10), watch('ADDED', ownedReplicaSet, 10), watch('ADDED', mustSpecify, 25)]));
    expect(restarted?.annotations).toMatchObject({ 'cause.kind': 'ResourceQuota', 'cause.name': 'team-share' });
  });

  describe('a refusal by an admission webhook', () => {
    const configuration = (resourceVersion: string, createdSecond: number, failurePolicy = 'Fail') => ({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'policy-gate', uid: 'vwc-1', resourceVersion, creationTimestamp: at(createdSecond) },
      webhooks: [{ name: 'gate.policy.example.com', failurePolicy, clientConfig: { service: { name: 'policy-gate', namespace: 'policy' } } }],
    });
    const failedCall = (second: number, why = 'no endpoints available for service "policy-gate"') =>
      event('FailedCreate', replicaSet, `Error creating: Internal error occurred: failed calling webhook "gate.policy.example.com": failed to call webhook: Post "https://policy-gate.policy.svc:443/validate?timeout=5s": ${why}`, second);
    const denied = (second: number) => event('FailedCreate', replicaSet, 'Error creating: admission webhook "gate.policy.example.com" denied the request: image tag latest is not allowed', second);

    it('names the configuration created or changed within 30 minutes, and the Service the call went to', () => {
      const created = refusal(run([watch('ADDED', configuration('1', 5), 5), watch('ADDED', failedCall(25, 'service "policy-gate" not found'), 25)]));
      expect(created?.annotations).toMatchObject({ 'cause.kind': 'ValidatingWebhookConfiguration', 'cause.name': 'policy-gate', 'webhook.service': 'policy/policy-gate' });
      const changed = refusal(run([watch('ADDED', configuration('1', -7200), 0), watch('MODIFIED', configuration('2', -7200, 'Ignore'), 10), watch('MODIFIED', configuration('3', -7200), 20), watch('ADDED', failedCall(25), 25)]));
      expect(changed?.annotations).toMatchObject({ 'cause.kind': 'ValidatingWebhookConfiguration', 'cause.name': 'policy-gate' });
    });

    it('under a configuration that stood, a failed call names the Service it went to; a denial names nothing (the template broke the policy)', () => {
      const stood = refusal(run([watch('ADDED', configuration('1', -7200), 0), watch('ADDED', failedCall(25), 25)]));
      expect(stood?.annotations).toMatchObject({ 'cause.kind': 'Service', 'cause.name': 'policy-gate', 'cause.namespace': 'policy', 'webhook.service': 'policy/policy-gate' });
      const answered = refusal(run([watch('ADDED', configuration('1', -7200), 0), watch('ADDED', denied(25), 25)]));
      expect(answered?.annotations?.['cause.kind']).toBeUndefined();
      // A denial right after the configuration was created is the configuration's doing.
      expect(refusal(run([watch('ADDED', configuration('1', 5), 5), watch('ADDED', denied(25), 25)]))?.annotations).toMatchObject({ 'cause.kind': 'ValidatingWebhookConfiguration' });
    });

    it('a failed call to a webhook Tapio does not know still names the Service the message gives', () => {
      expect(refusal(run([watch('ADDED', failedCall(25), 25)]))?.annotations).toMatchObject({ 'cause.kind': 'Service', 'cause.name': 'policy-gate' });
    });
  });

  it('an eviction for the pod breaking its own storage limit says which limit, on the Event and on the pod; a node-pressure eviction names the resource reclaimed and the pod\'s figure of it', () => {
    const pod = { kind: 'Pod', name: 'spooler-1', namespace: NS, uid: 'pod-1' };
    const emptyDir = run([watch('ADDED', event('Evicted', pod, 'Usage of EmptyDir volume "spool" exceeds the limit "8Mi". ', 3))]).find((item) => item.type === 'pod_evicted');
    expect(emptyDir?.annotations?.['eviction.limit']).toBe('emptyDir');
    const container = run([watch('ADDED', event('Evicted', pod, 'Container spooler exceeded its local ephemeral storage limit "1Gi". ', 3))]).find((item) => item.type === 'pod_evicted');
    expect(container?.annotations?.['eviction.limit']).toBe('ephemeral-storage');
    const pressure = run([watch('ADDED', event('Evicted', pod, 'The node was low on resource: ephemeral-storage. Threshold quantity: 1Gi, available: 512Mi. ', 3))]).find((item) => item.type === 'pod_evicted');
    expect(pressure?.annotations?.['eviction.limit']).toBeUndefined();
    expect(pressure?.annotations?.['eviction.resource']).toBe('ephemeral-storage');
    const figures = run([watch('ADDED', event('Evicted', pod, 'The node was low on resource: ephemeral-storage. Threshold quantity: 1Gi, available: 512Mi. Container spooler was using 2Gi, request is 0, has larger consumption of ephemeral-storage. ', 3))]).find((item) => item.type === 'pod_evicted');
    expect(figures?.annotations).toMatchObject({ 'eviction.resource': 'ephemeral-storage', 'storage.usage_bytes': String(2 * 2 ** 30), 'storage.request_bytes': '0' });
    expect(figures?.annotations?.['memory.usage_bytes']).toBeUndefined();
    const memory = run([watch('ADDED', event('Evicted', pod, 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 84Mi. Container spooler was using 1Gi, request is 0, has larger consumption of memory. ', 3))]).find((item) => item.type === 'pod_evicted');
    expect(memory?.annotations).toMatchObject({ 'eviction.resource': 'memory', 'memory.usage_bytes': String(2 ** 30) });

    const running = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'spooler-1', namespace: NS, uid: 'pod-1', resourceVersion: '10' }, spec: { nodeName: 'node-1', containers: [{ name: 'spooler', image: 'spooler:1' }] }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'spooler', ready: true, restartCount: 0, state: { running: { startedAt: at(0) } } }] } };
    const evicted = { ...running, metadata: { ...running.metadata, resourceVersion: '11' }, status: { phase: 'Failed', reason: 'Evicted', message: 'Usage of EmptyDir volume "spool" exceeds the limit "8Mi". ', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [] } };
    const fromStatus = run([watch('ADDED', running), watch('MODIFIED', evicted, 40)]).find((item) => item.type === 'pod_evicted');
    expect(fromStatus?.annotations?.['eviction.limit']).toBe('emptyDir');
  });
});
