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

/** What the involved object's current state says of a report: still so, over (with why), or unknown. */
type CurrentState = { holds: true } | { holds: false; why: string } | undefined;

/** The involved object's state now, against what the Event reports (pod trouble of a Pod, a node condition of a Node). */
function currentState(event: UnifiedEvent, entity: NonNullable<UnifiedEvent['entity']>, state: WorkingState, last: string): CurrentState {
  if (entity.kind === 'Pod' && OVER_WHEN_READY.has(event.type) && event.kubernetes?.eventReason !== 'NodeNotReady') {
    const pod = state.resource(entityKey(entity));
    if (!pod || pod.deleted || pod.facts?.ready === undefined) return undefined;
    return pod.facts.ready ? { holds: false, why: `reports ${event.type.replace(/_/g, ' ')} at ${last}, but the pod is Ready now` } : { holds: true };
  }
  const report = nodeCondition(event);
  if (!report) return undefined;
  const nodeName = state.nodeNameOf(entityKey(entity));
  if (!nodeName) return undefined;
  const now = state.resource(entityKey({ kind: 'Node', name: nodeName, cluster: entity.cluster }))?.facts?.conditions?.[report.condition];
  if (now === undefined) return undefined;
  return now === report.trouble ? { holds: true } : { holds: false, why: `reports ${report.condition}=${report.trouble} at ${last}, but Node ${nodeName} now has ${report.condition}=${now}` };
}

/**
 * Why a Kubernetes Event reports something that is over when Tapio first sees it, or
 * undefined when it is current. One rule: evidence counts while the object it speaks about
 * is still in the state it describes. A report of pod trouble (unschedulable, not ready,
 * failed pulls or volumes) about a pod that is Ready now, or of a node condition (NotReady,
 * pressure) the Node no longer shows, is history however recent; one whose object still
 * shows it is current however old. Only when the object's current state is unknown (no
 * state of it, or a kind of report no state speaks to) does time decide: a report that last
 * happened more than STALE_REPORT_MS before it was seen is history. Such an Event must not
 * start an incident nor explain later trouble.
 */
export function staleReport(event: UnifiedEvent, state: WorkingState): string | undefined {
  const data = event.kubernetes;
  const last = data?.eventReason !== undefined ? (data.lastTimestamp ?? data.firstTimestamp) : undefined;
  if (!last) return undefined;
  const lag = Date.parse(event.timestamp) - Date.parse(last);
  if (!(lag > NODE_REPORT_SLACK_MS)) return undefined;
  const current = event.entity ? currentState(event, event.entity, state, last) : undefined;
  if (current) return current.holds ? undefined : current.why;
  if (lag > STALE_REPORT_MS) return `last happened at ${last}, ${Math.round(lag / 60_000)} minutes before it was seen`;
  return undefined;
}
