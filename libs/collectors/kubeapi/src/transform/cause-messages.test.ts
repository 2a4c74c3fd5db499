import { describe, expect, it } from 'vitest';
import { admissionCause, blockedByCordon, blockedByLabels, blockedByTaint, claimBeingDeleted, listsCordonedNode, preemptorOf, pressureEviction, quotaRequiring, schedulingBlock, storageLimitEvicted } from './cause-messages.js';

describe('reading the cause a Kubernetes message names', () => {
  it('names the ResourceQuota, the LimitRange (by kind) or the missing PriorityClass that refused a pod', () => {
    expect(admissionCause('Error creating: pods "worker-c7c79d874-2qz47" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2', 'analytics')).toEqual({ kind: 'ResourceQuota', name: 'compute', namespace: 'analytics', exists: true });
    expect(admissionCause('Error creating: pods "cart-x" is forbidden: maximum memory usage per Container is 256Mi, but limit is 512Mi', 'shop')).toEqual({ kind: 'LimitRange', namespace: 'shop' });
    expect(admissionCause('Error creating: pods "x" is forbidden: no PriorityClass with name critical-batch was found', 'shop')).toEqual({ kind: 'PriorityClass', name: 'critical-batch' });
    expect(admissionCause('Error creating: pods "x" is forbidden: error looking up service account shop/builder', 'shop')).toBeUndefined();
  });

  it('names a ServiceAccount that does not exist and the namespace whose Pod Security level a pod violates', () => {
    expect(admissionCause('Error creating: pods "ledger-766f9c5548-" is forbidden: error looking up service account payments/ledger-writer: serviceaccount "ledger-writer" not found', 'payments')).toEqual({ kind: 'ServiceAccount', name: 'ledger-writer', namespace: 'payments' });
    expect(admissionCause('(combined from similar events): Error creating: pods "api-1" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false', 'secure-apps')).toEqual({ kind: 'Namespace', name: 'secure-apps' });
    expect(admissionCause('Error creating: pods "api-1" is forbidden: violates PodSecurity "baseline:v1.30": host namespaces', undefined)).toBeUndefined();
  });

  it('tells an eviction for the pod\'s own storage limit from one for node pressure', () => {
    expect(storageLimitEvicted('Usage of EmptyDir volume "spool" exceeds the limit "8Mi". ')).toBe('emptyDir');
    expect(storageLimitEvicted('Container app exceeded its local ephemeral storage limit "1Gi". ')).toBe('ephemeral-storage');
    expect(storageLimitEvicted('Pod ephemeral local storage usage exceeds the total limit of containers 2Gi. ')).toBe('ephemeral-storage');
    expect(storageLimitEvicted('The node was low on resource: ephemeral-storage. Threshold quantity: 1Gi, available: 512Mi. ')).toBeUndefined();
  });

  it('finds the preemptor by uid (1.26+) or by name (older schedulers)', () => {
    expect(preemptorOf('Preempted by pod 0b1e5a0e-5c2f-4e7e-9a55-1f0a9c1b2d3e on node tapio-node')).toEqual({ uid: '0b1e5a0e-5c2f-4e7e-9a55-1f0a9c1b2d3e' });
    expect(preemptorOf('Preempted by batch/ingest-7d9f on node node-2')).toEqual({ namespace: 'batch', name: 'ingest-7d9f' });
    expect(preemptorOf('Stopping container app')).toBeUndefined();
  });

  it("reads the resource a node-pressure eviction reclaimed and sums the kubelet's figures of it", () => {
    expect(pressureEviction('The node was low on resource: memory. Threshold quantity: 100Mi, available: 61232Ki. Container hog was using 11534336Ki, request is 0, has larger consumption of memory. ')).toEqual({ resource: 'memory', usageBytes: 11534336 * 1024, requestBytes: 0 });
    expect(pressureEviction('The node was low on resource: memory. Container a was using 100Mi, request is 64Mi, has larger consumption of memory. Container b was using 50Mi, request is 0, has larger consumption of memory.')).toEqual({ resource: 'memory', usageBytes: 150 * 2 ** 20, requestBytes: 64 * 2 ** 20 });
    expect(pressureEviction('The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 9Gi. Container logger was using 3Gi, request is 0, has larger consumption of ephemeral-storage. ')).toEqual({ resource: 'ephemeral-storage', usageBytes: 3 * 2 ** 30, requestBytes: 0 });
    expect(pressureEviction('The node was low on resource: pids. Threshold quantity: 100, available: 12. ')).toEqual({ resource: 'pids' });
    expect(pressureEviction('Usage of EmptyDir volume "spool" exceeds the limit "8Mi". ')).toBeUndefined();
    expect(pressureEviction('Pod was rejected: Predicate NodeAffinity failed')).toBeUndefined();
  });

  it('tells pods waiting for a cordoned node from pods short of capacity', () => {
    expect(blockedByCordon('0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.')).toBe(true);
    expect(blockedByCordon("0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector.")).toBe(true);
    expect(blockedByCordon('0/3 nodes are available: 1 node(s) had untolerated taint {ToBeDeletedByClusterAutoscaler: 1733200000}, 2 node(s) didn\'t match pod anti-affinity rules.')).toBe(true);
    expect(blockedByCordon('0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient cpu.')).toBe(false);
    expect(blockedByCordon('0/3 nodes are available: 3 Insufficient memory.')).toBe(false);
    // A local volume pinned to the cordoned node: the others can never take the pod, as if its selector excluded them.
    expect(blockedByCordon('0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) had volume node affinity conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.')).toBe(true);
    expect(blockedByCordon('0/3 nodes are available: 3 node(s) had volume node affinity conflict.')).toBe(false);
    // Short of room beside a cordoned node: capacity, which names the cordon when nobody took the room (SchedulingCauses).
    expect(schedulingBlock('0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient memory.')).toBe('capacity');
    expect(listsCordonedNode('0/3 nodes are available: 1 node(s) were unschedulable, 2 Insufficient memory.')).toBe(true);
    expect(listsCordonedNode('0/3 nodes are available: 3 Insufficient memory.')).toBe(false);
  });

  it('tells a pod kept off every node by taints alone, whatever the scheduler appends to its list', () => {
    expect(blockedByTaint('0/1 nodes are available: 1 node(s) had untolerated taint(s). no new claims to deallocate, preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.')).toBe(true);
    expect(blockedByTaint('0/3 nodes are available: 3 node(s) had untolerated taint {dedicated: batch}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.')).toBe(true);
    expect(blockedByTaint("0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: batch}, 2 node(s) didn't match Pod's node affinity/selector.")).toBe(false);
    expect(blockedByTaint('0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu.')).toBe(false);
    expect(blockedByTaint('0/1 nodes are available: persistentvolumeclaim "search-cache" not found. not found')).toBe(false);
    expect(blockedByTaint('pod has unbound immediate PersistentVolumeClaims')).toBe(false);
  });

  it('tells a pod kept off every node by node selectors or required affinity alone', () => {
    const selectorOnly = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
    expect(blockedByLabels(selectorOnly)).toBe(true);
    expect(schedulingBlock(selectorOnly)).toBe('labels');
    expect(blockedByLabels("0/2 nodes are available: 2 node(s) didn't match node selector.")).toBe(true);
    expect(blockedByLabels("0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: batch}, 2 node(s) didn't match Pod's node affinity/selector.")).toBe(false);
    expect(blockedByLabels("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector.")).toBe(false);
    expect(blockedByLabels("0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules.")).toBe(false);
    expect(schedulingBlock('0/1 nodes are available: 1 node(s) had untolerated taint(s).')).toBe('taint');
  });

  it('tells a pod kept off some nodes by their taints and the others by their labels (a cluster with a control plane node of its own)', () => {
    const kind = "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    expect(schedulingBlock(kind)).toBe('taint-or-labels');
    expect(schedulingBlock("0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) didn't match Pod's node affinity/selector.")).toBe('taint-or-labels');
    expect(schedulingBlock("0/3 nodes are available: 1 node(s) had untolerated taint(s), 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector.")).toBe('capacity');
    expect(schedulingBlock("0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 node(s) didn't match pod anti-affinity rules.")).toBeUndefined();
  });

  it('reads the quota that refused a pod for not naming its limits, and only that refusal', () => {
    expect(quotaRequiring('Error creating: pods "reconciler-646774b754-zmfr8" is forbidden: failed quota: team-share: must specify limits.cpu for: reconciler; limits.memory for: reconciler')).toBe('team-share');
    expect(quotaRequiring('Error creating: pods "x" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2')).toBeUndefined();
  });

  it('tells a pod refused for a claim whose deletion was asked, and names the claim (kube-scheduler 1.34)', () => {
    const deleting = '0/1 nodes are available: persistentvolumeclaim "report-cache" is being deleted. not found';
    expect(claimBeingDeleted(deleting)).toBe('report-cache');
    expect(schedulingBlock(deleting)).toBe('claim-deleted');
    // A claim that does not exist (a release naming one never created) is the template's doing.
    expect(claimBeingDeleted('0/1 nodes are available: persistentvolumeclaim "search-cache" not found. not found')).toBeUndefined();
    expect(schedulingBlock('0/1 nodes are available: persistentvolumeclaim "search-cache" not found. not found')).toBeUndefined();
  });
});
