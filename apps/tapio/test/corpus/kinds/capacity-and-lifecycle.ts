import { readRecording, remapUids, renameEntity, renameEverywhere, retime, withNoise, type ExpectedEntity, type RecordedLine } from '../../support/recording-variants.js';
import type { SyntheticIncident } from '../../support/synthetic-incidents.js';
import { limitRangeTightened, quotaChange } from '../../support/capacity-incidents.js';
import { hpaPinned, jobRun, preemption } from '../../support/batch-and-scheduling-incidents.js';
import { nodeLifecycle, nodePressureEviction } from '../../support/node-lifecycle-incidents.js';
import type { CorpusCase } from '../corpus-case.js';
import { realRecording } from '../real-recording.js';
import { SHARED_SCENARIOS } from '../../support/shared-scenarios.js';

const SCENARIOS = SHARED_SCENARIOS;
const REAL = new URL('../../../../../examples/recordings/real/', import.meta.url);
const real = (name: string, accept: ExpectedEntity[], kind: string): CorpusCase => ({ kind, name: `recorded on the real test cluster (${name})`, make: () => ({ lines: readRecording(new URL(`${name}.ndjson`, REAL)), accept }) });
let cache: { benign: RecordedLine[]; cascade: RecordedLine[] } | undefined;
const recorded = () => (cache ??= { benign: readRecording(new URL('benign-rollout.ndjson', SCENARIOS)), cascade: readRecording(new URL('configmap-cascade.ndjson', SCENARIOS)) });

const renames = { shop: 'retail', payments: 'ledger', catalog: 'products', cart: 'trolley', frontend: 'portal', checkout: 'till', 'sitemap-builder': 'feed-export', 'node-1': 'worker-a', 'node-2': 'worker-b', 'node-3': 'worker-c' };

/**
 * Three recordings of one generated incident (issue #15 points 2-4): as generated; renamed,
 * new uids, 1.5 times slower with another cluster's routine as noise; a day later at 0.6
 * times the speed.
 */
function threeWays(kind: string, make: () => SyntheticIncident): CorpusCase[] {
  return [
    { kind, name: 'as generated', make },
    {
      kind,
      name: 'renamed, new uids, 1.5 times slower, routine noise',
      make: () => {
        const { lines, accept } = make();
        return { lines: withNoise(retime(remapUids(renameEverywhere(lines, renames), 'c'), { stretch: 1.5 }), recorded().benign, 'bg-'), accept: accept.map((item: ExpectedEntity) => renameEntity(item, renames)) };
      },
    },
    {
      kind,
      name: 'a day later, 0.6 times the speed',
      make: () => {
        const { lines, accept } = make();
        return { lines: retime(lines, { shiftMs: 24 * 3_600_000, stretch: 0.6 }), accept };
      },
    },
  ];
}

/** Trouble Tapio did not see, capacity and policy objects as causes, planned lifecycle: incidents and their benign look-alikes. */
export const corpusCases: readonly CorpusCase[] = [
  real('quota-lowered', [{ kind: 'ResourceQuota', namespace: 'analytics', name: 'compute' }], 'ResourceQuota lowered: scale-up refused (pods)'),
  real('job-backoff', [{ kind: 'Job', namespace: 'billing-batch', name: 'settle' }], 'Job gives up: BackoffLimitExceeded'),
  real('drain-uncordon', [], 'benign: drain of a node whose pods wait Pending for the maintenance window'),
  real('preemption', [{ kind: 'Deployment', namespace: 'batch-prio', name: 'ingest' }, { kind: 'PriorityClass', namespace: null, name: 'tapio-critical-batch-prio' }], 'pods preempted by a higher-priority workload'),
  real('cronjob-retries', [], 'benign: a Job that succeeds after retries'),
  ...realRecording('Job gives up: DeadlineExceeded', 'job-deadline-exceeded'),
  ...realRecording('a Job run once whose image does not exist: its pod never starts', 'job-image-missing'),
  ...realRecording('LimitRange tightened: pods refused', 'limitrange-lowered'),
  ...realRecording('a new app deployed into a namespace whose quota is used up: pods refused', 'quota-full-new-app'),
  ...realRecording("an autoscaler's minReplicas raised beyond what the node can place: pods Pending", 'hpa-min-raised-pending'),
  ...realRecording("benign: an autoscaler's maxReplicas lowered, its Deployment scaled down, nothing fails", 'hpa-max-lowered-benign'),
  ...threeWays('ResourceQuota lowered: scale-up refused (pods)', () => quotaChange(recorded().benign, 'shop', 'catalog', { quota: 'compute', resource: 'pods' })),
  ...threeWays('ResourceQuota lowered: scale-up refused (memory)', () => quotaChange(recorded().cascade, 'payments', 'payments-api', { quota: 'team-budget', resource: 'limits.memory' })),
  ...threeWays('LimitRange tightened: pods refused', () => limitRangeTightened(recorded().benign, 'shop', 'cart')),
  ...threeWays('Job gives up: BackoffLimitExceeded', () => jobRun(recorded().benign, 'shop', 'sitemap-builder')),
  ...threeWays('pods preempted by a higher-priority workload', () => preemption(recorded().benign, 'shop', 'checkout', 'node-2')),
  ...threeWays("preempted pods' replacements cannot be placed: one incident", () => preemption(recorded().benign, 'shop', 'checkout', 'node-2', 'preempt-retry', { schedulerRetries: 5 })),
  ...threeWays('HPA pinned at its max while pods fail readiness', () => hpaPinned(recorded().benign, 'shop', 'frontend')),
  ...threeWays('HPA max lowered, then pinned while pods fail readiness', () => hpaPinned(recorded().benign, 'shop', 'catalog', { loweredFrom: 10 })),
  ...threeWays('node memory pressure: evictions caused by a pod without a limit', () => nodePressureEviction(recorded().benign, 'node-1', 'shop', 'cart')),
  ...threeWays('node memory pressure: low-priority pods evicted first, the released consumer last', () => nodePressureEviction(recorded().benign, 'node-2', 'payments', 'payments-api', { order: 'victims-first', seed: 'pressure-late' })),
  ...realRecording('node memory pressure: a release grows without a memory limit, the kubelet evicts', 'memory-pressure-eviction'),
  ...realRecording('node disk pressure: a release fills its writable layer without a limit, the kubelet evicts', 'disk-pressure-eviction'),
  ...realRecording('node disk pressure: a release fills an emptyDir the eviction messages do not count', 'disk-pressure-emptydir'),
  ...threeWays('node disk pressure: evictions caused by a pod that writes without a limit', () => nodePressureEviction(recorded().benign, 'node-3', 'monitoring', 'prometheus', { pressure: 'disk', seed: 'disk' })),
  ...threeWays('node disk pressure: low-priority pods evicted first, the released writer last', () => nodePressureEviction(recorded().benign, 'node-1', 'monitoring', 'grafana', { pressure: 'disk', order: 'victims-first', seed: 'disk-late' })),
  ...threeWays('node memory pressure: a leak without a limit, only low-priority victims evicted so far', () => nodePressureEviction(recorded().benign, 'node-3', 'shop', 'catalog', { order: 'victims-first', consumerEvicted: false, grows: 'leak', seed: 'leak' })),
  ...threeWays('node disk pressure from outside Kubernetes: only small pods evicted, nothing names a consumer', () => nodePressureEviction(recorded().benign, 'node-1', 'shop', 'cart', { pressure: 'disk', order: 'victims-first', grows: 'outside', seed: 'host-disk' })),
  ...threeWays('node disk pressure: only victims evicted so far, the writer released just before', () => nodePressureEviction(recorded().benign, 'node-2', 'shop', 'catalog', { pressure: 'disk', order: 'victims-first', consumerEvicted: false, seed: 'disk-victims' })),
  ...threeWays('drain leaves pods that cannot be placed', () => nodeLifecycle(recorded().benign, 'node-3', 'unplaceable')),
  ...threeWays('benign: ResourceQuota raised before a scale-up', () => quotaChange(recorded().benign, 'shop', 'catalog', { quota: 'compute', resource: 'pods', benign: true })),
  ...threeWays('benign: a Job that succeeds after retries', () => jobRun(recorded().benign, 'shop', 'sitemap-builder', { succeedOnAttempt: 3 })),
  ...threeWays('benign: kubectl drain, everything rescheduled, reboot, uncordon', () => nodeLifecycle(recorded().benign, 'node-2', 'drain')),
  ...threeWays('benign: drain of a node whose pods wait Pending for the maintenance window', () => nodeLifecycle(recorded().benign, 'node-1', 'drain', { pendingSeconds: 90 })),
  ...threeWays('benign: cluster-autoscaler scale-down', () => nodeLifecycle(recorded().benign, 'node-3', 'autoscaler')),
];
