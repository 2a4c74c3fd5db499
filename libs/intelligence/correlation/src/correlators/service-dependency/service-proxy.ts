import { entityKeyKind, parseEntityKey, type CorrelationState, type EventType, type IndexedEvent } from '@tapio/domain';
import { MINUTE } from '../event-classes.js';

/** A node agent that keeps failing: it crash-loops or restarts (unready alone may be a slow probe). */
const AGENT_FAILURES: ReadonlySet<EventType> = new Set<EventType>(['crash_loop', 'pod_restart']);
/**
 * The node agents that route a Service's ClusterIP to its endpoints: kube-proxy, and the
 * dataplanes that replace it (Cilium, kube-router, Antrea). When one fails on a node, calls
 * from that node to Services whose endpoints changed since are not routed.
 */
const SERVICE_PROXY = /(^|-)(kube-proxy|cilium|kube-router|antrea)(-|$)/;
const AGENT_WINDOW_MS = 15 * MINUTE;

/**
 * The failure of the Service proxy on the caller's node (a DaemonSet pod there, named like one
 * of the agents above, crash-looping or restarting within the 15 minutes before `at`): the
 * latest such report, when there is one. A caller that cannot reach a Service whose pods are
 * ready is its node's proxy's doing before it is the callee's (its rollout only made new
 * endpoints the broken proxy never learned).
 */
export function serviceProxyFailure(state: CorrelationState, pod: string, at: number): { item: IndexedEvent; agent: string } | undefined {
  const node = state.nodeNameOf(pod);
  if (!node) return undefined;
  let best: { item: IndexedEvent; agent: string } | undefined;
  for (const item of state.eventsOnNode(node, at - AGENT_WINDOW_MS, AGENT_FAILURES)) {
    if (item.at > at || !item.entityKey || entityKeyKind(item.entityKey) !== 'Pod') continue;
    const agent = state.rootOwner(item.entityKey);
    if (entityKeyKind(agent) !== 'DaemonSet' || !SERVICE_PROXY.test(parseEntityKey(agent)?.name ?? '')) continue;
    if (!best || item.at > best.item.at) best = { item, agent };
  }
  return best;
}
