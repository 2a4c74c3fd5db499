import type { EventType, Severity } from '@tapio/domain';
import { evictionBlockedBy } from './disruption-budget-signals.js';

export interface ReasonMapping {
  type: EventType;
  severity?: Severity;
}

/**
 * Kubernetes Event `reason` → Tapio event type. Reasons come from the kubelet,
 * scheduler, controllers and the node problem detector. `docs/kubeapi-events.md`
 * mirrors this table. A reason not listed becomes `k8s_event` (Warning: low, Normal: info).
 */
export const EVENT_REASON_TABLE: Readonly<Record<string, ReasonMapping>> = {
  // kubelet, container lifecycle
  BackOff: { type: 'crash_loop' },
  CrashLoopBackOff: { type: 'crash_loop' },
  Failed: { type: 'pod_failed' },
  ErrImagePull: { type: 'image_pull_failed' },
  ImagePullBackOff: { type: 'image_pull_failed' },
  InspectFailed: { type: 'image_pull_failed' },
  ErrImageNeverPull: { type: 'image_pull_failed' },
  Unhealthy: { type: 'probe_failed' },
  ProbeWarning: { type: 'probe_failed', severity: 'info' },
  Killing: { type: 'container_killed' },
  Preempting: { type: 'container_killed', severity: 'medium' },
  OOMKilling: { type: 'oom_killed' },
  Evicted: { type: 'pod_evicted' },
  Evicting: { type: 'pod_evicted' },
  FailedMount: { type: 'volume_mount_failed' },
  FailedAttachVolume: { type: 'volume_attach_failed' },
  FailedMapVolume: { type: 'volume_mount_failed' },
  FailedCreatePodSandBox: { type: 'cni_error' },
  FailedKillPod: { type: 'pod_failed', severity: 'medium' },
  Scheduled: { type: 'pod_scheduled' },
  // scheduler
  FailedScheduling: { type: 'pod_unschedulable' },
  Preempted: { type: 'pod_preempted' },
  // evictions a PodDisruptionBudget refused (drain tools, autoscalers)
  DisruptionBudget: { type: 'eviction_blocked' },
  DisruptionBlocked: { type: 'eviction_blocked' },
  // controllers
  FailedCreate: { type: 'replica_create_failed' },
  SuccessfulCreate: { type: 'replica_created' },
  ScalingReplicaSet: { type: 'workload_scaled' },
  SuccessfulRescale: { type: 'workload_scaled' },
  FailedGetScale: { type: 'hpa_failed' },
  FailedComputeMetricsReplicas: { type: 'hpa_failed' },
  FailedGetResourceMetric: { type: 'hpa_failed' },
  BackoffLimitExceeded: { type: 'job_failed' },
  DeadlineExceeded: { type: 'job_failed' },
  ProgressDeadlineExceeded: { type: 'rollout_stalled' },
  ProvisioningFailed: { type: 'volume_attach_failed' },
  // nodes
  NodeNotReady: { type: 'node_not_ready' },
  NodeReady: { type: 'node_ready' },
  NodeHasInsufficientMemory: { type: 'memory_pressure' },
  NodeHasDiskPressure: { type: 'disk_pressure' },
  NodeHasInsufficientPID: { type: 'pid_pressure' },
  NodeHasSufficientMemory: { type: 'node_pressure_relieved' },
  NodeHasNoDiskPressure: { type: 'node_pressure_relieved' },
  NodeHasSufficientPID: { type: 'node_pressure_relieved' },
  // EvictionThresholdMet ("Attempting to reclaim ephemeral-storage"): by the resource it names, mapByReason.
  Rebooted: { type: 'node_rebooted' },
  SystemOOM: { type: 'oom_killed' },
  NodeNotSchedulable: { type: 'node_spec_changed' },
  FreeDiskSpaceFailed: { type: 'disk_pressure', severity: 'medium' },
  ImageGCFailed: { type: 'disk_pressure', severity: 'medium' },
  // network
  NetworkNotReady: { type: 'network_unavailable' },
};

/** Reasons that describe a Node's own condition when the Event is about the Node. */
const NODE_CONDITION_TYPES = new Set(['node_not_ready', 'node_ready', 'memory_pressure', 'disk_pressure', 'pid_pressure', 'node_pressure_relieved', 'node_rebooted', 'network_unavailable']);

/**
 * Maps an Event; BackOff means a crash loop unless it is an image pull back-off. A
 * node-condition reason about another object (the node controller's `NodeNotReady`
 * "Node is not ready" on each pod of a failed node) describes that object: the pod is
 * not ready; other node reasons on a non-Node stay plain Kubernetes events.
 */
export function mapEventReason(reason: string, message: string, eventType: string, involvedKind = 'Node'): ReasonMapping {
  const mapping = mapByReason(reason, message, eventType);
  if (involvedKind === 'Node' || !NODE_CONDITION_TYPES.has(mapping.type)) return mapping;
  if (mapping.type === 'node_not_ready') return { type: 'pod_not_ready' };
  return { type: 'k8s_event', severity: eventType === 'Warning' ? 'low' : 'info' };
}

function mapByReason(reason: string, message: string, eventType: string): ReasonMapping {
  if (evictionBlockedBy(message).blocked) return { type: 'eviction_blocked' };
  if (reason === 'BackOff' && /pull/i.test(message)) return { type: 'image_pull_failed' };
  if (reason === 'Failed' && /(pull|image)/i.test(message)) return { type: 'image_pull_failed' };
  if (reason === 'Evicted' || reason === 'Evicting') {
    // Node pressure (memory, disk, pids) takes pods that did nothing wrong: high. A pod over its own storage limit: its own doing.
    return /memory|low on resource/i.test(message) ? { type: 'pod_evicted', severity: 'high' } : { type: 'pod_evicted' };
  }
  if (reason === 'EvictionThresholdMet') return { type: reclaimedPressure(message) };
  const mapped = EVENT_REASON_TABLE[reason];
  if (mapped) return mapped;
  return { type: 'k8s_event', severity: eventType === 'Warning' ? 'low' : 'info' };
}

/** The node pressure the kubelet's "Attempting to reclaim <resource>" is about (the resource names it gives): memory, disk (ephemeral-storage, inodes) or pids. */
function reclaimedPressure(message: string): EventType {
  const resource = /reclaim (\S+)/i.exec(message)?.[1]?.toLowerCase() ?? '';
  if (resource === 'ephemeral-storage' || resource === 'inodes') return 'disk_pressure';
  if (resource === 'pids') return 'pid_pressure';
  return 'memory_pressure';
}
