import { entityKeyKind, parseEntityKey, type Correlation, type CorrelationState, type EventType, type IndexedEvent } from '@tapio/domain';
import { MINUTE } from '../event-classes.js';

/** What a node agent's pod does when it breaks: it crash-loops, restarts or goes unready. */
const AGENT_TROUBLE: ReadonlySet<EventType> = new Set<EventType>(['crash_loop', 'pod_restart', 'pod_not_ready', 'probe_failed']);
/** The CNI plugin a sandbox failure names (`plugin type="calico" failed (add)`). */
const PLUGIN = /plugin type="([a-z0-9-]+)"/;
const AGENT_WINDOW_MS = 15 * MINUTE;

/**
 * A pod whose sandbox network cannot be set up (`cni_error`: FailedCreatePodSandBox, "failed to
 * setup network for sandbox") was CAUSED by the node's network agent failing on that node: a
 * DaemonSet pod on the same node in trouble within the 15 minutes before (the one named like
 * the plugin the message names, when one is: calico-node for "calico"). The node is only where
 * it happened; the walk goes on from the agent's failure to what broke it (its release).
 */
export function nodeAgentCause(indexed: IndexedEvent, state: CorrelationState, correlator: string): Correlation[] {
  const { event, at, entityKey } = indexed;
  if (!entityKey) return [];
  const node = state.nodeNameOf(entityKey) ?? event.k8sContext?.nodeName;
  if (!node) return [];
  const plugin = PLUGIN.exec(event.message)?.[1];
  let best: { item: IndexedEvent; agent: string; named: boolean } | undefined;
  for (const item of state.eventsOnNode(node, at - AGENT_WINDOW_MS, AGENT_TROUBLE)) {
    if (item.at > at || !item.entityKey || item.entityKey === entityKey || entityKeyKind(item.entityKey) !== 'Pod') continue;
    const agent = state.rootOwner(item.entityKey);
    if (entityKeyKind(agent) !== 'DaemonSet') continue;
    const named = plugin !== undefined && (parseEntityKey(agent)?.name ?? '').includes(plugin);
    if (!best || (named && !best.named) || (named === best.named && item.at > best.item.at)) best = { item, agent, named };
  }
  if (!best || (plugin !== undefined && !best.named && best.item.event.type === 'probe_failed')) return [];
  const ref = parseEntityKey(best.agent);
  return [
    {
      kind: 'CAUSED',
      fromEventId: best.item.event.id,
      toEventId: event.id,
      confidence: best.named ? 0.8 : 0.6,
      reason: `its node's network agent, ${ref?.kind ?? 'DaemonSet'} ${ref?.namespace ?? ''}/${ref?.name ?? best.agent}, failed there ${Math.round((at - best.item.at) / 1000)}s earlier (${best.item.event.type.replace(/_/g, ' ')})`,
      correlator,
    },
  ];
}
