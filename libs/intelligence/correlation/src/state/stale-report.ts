import { entityKey, type EventType, type UnifiedEvent } from '@tapio/domain';
import type { WorkingState } from './working-state.js';

/**
 * A Kubernetes Event first seen this long after it last happened is history, not news: the
 * collector listed it with the starting state (Events live an hour), so the trouble it tells
 * of may well be over. Longer than the kubelet's longest back-off (5 minutes), so a crash
 * loop that still goes on is never taken for history.
 */
export const STALE_REPORT_MS = 6 * 60_000;

/** Past this lag, a report of a node condition is checked against the Node's current condition. */
const NODE_REPORT_SLACK_MS = 30_000;

/** The Node condition (and the status that means trouble) each node-trouble report is about. */
const NODE_CONDITION: Partial<Record<EventType, { condition: string; trouble: string }>> = {
  node_not_ready: { condition: 'Ready', trouble: 'False' },
  memory_pressure: { condition: 'MemoryPressure', trouble: 'True' },
  disk_pressure: { condition: 'DiskPressure', trouble: 'True' },
  pid_pressure: { condition: 'PIDPressure', trouble: 'True' },
  network_unavailable: { condition: 'NetworkUnavailable', trouble: 'True' },
};

/** Pod trouble a pod that is Ready now is over: it was placed, pulled, attached and passes its readiness probe. */
const OVER_WHEN_READY: ReadonlySet<EventType> = new Set<EventType>(['pod_unschedulable', 'pod_pending', 'pod_not_ready', 'probe_failed', 'image_pull_failed', 'volume_attach_failed', 'volume_mount_failed']);

/** The node-condition report an Event makes: its own type on a Node, or the node controller's NodeNotReady on a pod. */
function nodeCondition(event: UnifiedEvent): { condition: string; trouble: string } | undefined {
  if (event.kubernetes?.eventReason === 'NodeNotReady') return NODE_CONDITION.node_not_ready;
  return event.entity?.kind === 'Node' ? NODE_CONDITION[event.type] : undefined;
}

/**
 * Why a Kubernetes Event reports something that is over when Tapio first sees it, or
 * undefined when it is current. It is over when it last happened more than STALE_REPORT_MS
 * before it was seen, or when the involved object's current status contradicts it: a node
 * condition (NotReady, pressure) the Node no longer shows, pod trouble (unschedulable, not
 * ready, failed pulls or volumes) of a pod that is Ready now. Such an Event is history: it must not start an
 * incident nor explain later trouble.
 */
export function staleReport(event: UnifiedEvent, state: WorkingState): string | undefined {
  const data = event.kubernetes;
  const last = data?.eventReason !== undefined ? (data.lastTimestamp ?? data.firstTimestamp) : undefined;
  if (!last) return undefined;
  const lag = Date.parse(event.timestamp) - Date.parse(last);
  if (!(lag > NODE_REPORT_SLACK_MS)) return undefined;
  if (lag > STALE_REPORT_MS) return `last happened at ${last}, ${Math.round(lag / 60_000)} minutes before it was seen`;
  if (!event.entity) return undefined;
  if (event.entity.kind === 'Pod' && OVER_WHEN_READY.has(event.type) && event.kubernetes?.eventReason !== 'NodeNotReady') {
    const pod = state.resource(entityKey(event.entity));
    return pod?.facts?.ready === true && !pod.deleted ? `reports ${event.type.replace(/_/g, ' ')} at ${last}, but the pod is Ready now` : undefined;
  }
  const report = nodeCondition(event);
  if (!report) return undefined;
  const nodeName = state.nodeNameOf(entityKey(event.entity));
  if (!nodeName) return undefined;
  const node = state.resource(entityKey({ kind: 'Node', name: nodeName, cluster: event.entity.cluster }));
  const now = node?.facts?.conditions?.[report.condition];
  if (now === undefined || now === report.trouble) return undefined;
  return `reports ${report.condition}=${report.trouble} at ${last}, but Node ${nodeName} now has ${report.condition}=${now}`;
}
