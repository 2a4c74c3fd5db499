import { parseEntityKey, type Correlation, type CorrelationState, type Correlator, type IndexedEvent } from '@tapio/domain';
import { MINUTE, POD_FAILURE_TYPES } from '../event-classes.js';

const ROLLOUT_TYPES = new Set(['workload_spec_changed'] as const);

/**
 * Ownership correlation: failures of pods created by a rollout were CAUSED by the
 * workload change that started it; failures of sibling pods (one Deployment,
 * StatefulSet, DaemonSet, Job) are CORRELATED_WITH the family's first failure, so
 * fifteen pod failures roll up to one workload story.
 */
export class OwnershipCorrelator implements Correlator {
  readonly id = 'ownership';

  constructor(private readonly windowMs = 60 * MINUTE) {}

  correlate(indexed: IndexedEvent, state: CorrelationState): Correlation[] {
    const { event, at, entityKey } = indexed;
    if (!entityKey || !POD_FAILURE_TYPES.has(event.type)) return [];
    const chain = state.ownerChain(entityKey);
    if (chain.length === 0) return [];
    const edges: Correlation[] = [];
    const created = Date.parse(state.resource(entityKey)?.facts?.creationTimestamp ?? '');
    for (const owner of chain) {
      const changes = state.eventsOn(owner, at - this.windowMs, ROLLOUT_TYPES).filter((change) => change.at <= at);
      const rollout = changes[changes.length - 1];
      // Only pods the rollout created: older pods were not touched by it.
      if (rollout && Number.isFinite(created) && created >= rollout.at - 5_000) {
        const ref = parseEntityKey(owner);
        edges.push({
          kind: 'CAUSED',
          fromEventId: rollout.event.id,
          toEventId: event.id,
          confidence: 0.65,
          reason: `pod created by the rollout of ${ref?.kind ?? ''} ${ref?.name ?? owner} ${Math.round((at - rollout.at) / 1000)}s earlier`,
          correlator: this.id,
        });
        break;
      }
    }
    const root = chain[chain.length - 1] as string;
    const siblings = state.eventsOnOwner(root, at - 30 * MINUTE, POD_FAILURE_TYPES).filter((item) => item.entityKey !== entityKey && item.at <= at && parseEntityKey(item.entityKey ?? '')?.kind === 'Pod');
    const first = siblings[0];
    if (first) {
      edges.push({ kind: 'CORRELATED_WITH', fromEventId: first.event.id, toEventId: event.id, confidence: 0.6, reason: `another pod of ${root.split('/').slice(1).join('/')} failed first (${first.event.type})`, correlator: this.id });
    }
    return edges;
  }
}
