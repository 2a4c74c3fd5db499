import type { Correlation, CorrelationState, Correlator, EventType, IndexedEvent } from '@tapio/domain';
import { CHANGE_TYPES, CONFIG_CHANGE_TYPES, isFailure, MINUTE } from '../event-classes.js';
import { latestOf } from '../../state/state-walks.js';

const ROLLOUT_TYPES: ReadonlySet<EventType> = new Set<EventType>(['workload_spec_changed']);

/**
 * Template fields a ConfigMap or Secret edit never makes anyone change: the code (image,
 * command, arguments), its resources and probes. A rollout that only bumps an annotation
 * (`kubectl rollout restart`, `checksum/config`) or edits how the configuration is referenced
 * may be how an edit is put live; one that changes these is a release of its own.
 */
const OWN_RELEASE = /\.(image|command|args)$|\.resources\.|\.(liveness|readiness|startup)Probe$/;

function ownRelease(changes: readonly { path: string }[] | undefined): boolean {
  return (changes ?? []).some((change) => OWN_RELEASE.test(change.path));
}

/**
 * Sequence correlation: A → B → C chains such as config change → rollout → crash.
 * A ConfigMap / Secret change followed by a rollout of a workload that uses it is
 * TRIGGERED; every change followed by failures of what depends on it gets PRECEDED
 * edges carrying the delay.
 */
export class SequenceCorrelator implements Correlator {
  readonly id = 'sequence';

  /**
   * @param windowMs how far back a failure looks for the changes that PRECEDED it
   * @param carryMs how far back a rollout looks for ConfigMap / Secret changes it carries
   *   to new pods: however long ago the edit was, the first rollout after it is what makes
   *   pods load it (bounded by the working window)
   */
  constructor(
    private readonly windowMs = 30 * MINUTE,
    private readonly carryMs = 6 * 60 * MINUTE,
  ) {}

  correlate(indexed: IndexedEvent, state: CorrelationState): Correlation[] {
    const { event, at, entityKey } = indexed;
    if (!entityKey) return [];
    const since = at - this.windowMs;
    const edges: Correlation[] = [];
    if (event.type === 'workload_spec_changed') {
      // A release of its own (a new image, command, resources or probes) was not triggered by a
      // config edit of the minutes before: what it breaks is its own doing.
      if (ownRelease(event.kubernetes?.changes)) return edges;
      // A change already carried by an earlier rollout of this workload is not this rollout's doing.
      const earlier = latestOf(state, 'entity', entityKey, at - this.carryMs, ROLLOUT_TYPES, (item) => item.at <= at && item.event.id !== event.id);
      const carriedSince = Math.max(at - this.carryMs, earlier?.at ?? Number.NEGATIVE_INFINITY);
      for (const dependency of state.dependenciesOf(entityKey)) {
        for (const change of state.eventsOn(dependency, carriedSince, CONFIG_CHANGE_TYPES)) {
          if (change.at > at || change.at < carriedSince) continue;
          edges.push(this.edge('TRIGGERED', change, indexed, 0.8, `${dependency.split('/').slice(1).join('/')} changed ${Math.round((at - change.at) / 1000)}s before the rollout of a workload that uses it`));
          edges.push(this.preceded(change, indexed));
        }
      }
      return edges;
    }
    if (!isFailure(event.type)) return edges;
    const upstream = [entityKey, ...state.ownerChain(entityKey), ...state.dependenciesOf(entityKey)];
    for (const key of upstream) {
      const latest = latestOf(state, 'entity', key, since, CHANGE_TYPES, (change) => change.at <= at);
      if (latest) edges.push(this.preceded(latest, indexed));
    }
    return edges;
  }

  private preceded(from: IndexedEvent, to: IndexedEvent): Correlation {
    return this.edge('PRECEDED', from, to, 0.5, `${from.event.type} preceded ${to.event.type} by ${Math.round((to.at - from.at) / 1000)}s`, to.at - from.at);
  }

  private edge(kind: Correlation['kind'], from: IndexedEvent, to: IndexedEvent, confidence: number, reason: string, delayMs?: number): Correlation {
    return { kind, fromEventId: from.event.id, toEventId: to.event.id, confidence, reason, correlator: this.id, ...(delayMs !== undefined ? { delayMs } : {}) };
  }
}
