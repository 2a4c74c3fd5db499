import { entityKeyKind, parseEntityKey, WORKLOAD_KINDS, type IndexedEvent, type RootCauseResource } from '@tapio/domain';
import type { PatternMatch } from '../patterns/pattern-matcher.js';
import type { CausalPath } from '../rootcause/find-root-cause.js';
import type { WorkingState } from '../state/working-state.js';
import { isPressureEvidence, isSystemOomVictim } from '../correlators/pressure-resources.js';
import { namedCause, pressureEpisodeOf, topConsumer } from './named-cause.js';
import { causeRevealedByRestart } from './restart-reveals.js';
import { rootCauseResourceOf } from './root-cause-resource.js';

const CRASHES: ReadonlySet<string> = new Set(['crash_loop', 'pod_restart']);

/** What an incident is about: its root entity, and the event (with its causal path) that blames it. */
export interface IncidentRoot {
  rootKey: string;
  rootEvent: IndexedEvent;
  /** The causal path from the root event to the match's root step. */
  path: CausalPath;
  /** For a root judged the consumer behind node pressure: the episode (node and resource) it was judged in. */
  episode?: string;
}

/**
 * The entity an incident is about. A pod-level root rolls up to its workload when its
 * siblings show the same trouble, when it crash-loops as the only pod of a one-replica workload, or when the pattern counted the trouble per owner
 * (the count is about the workload, not about whichever pod tipped it over). A ReplicaSet's
 * root is its Deployment's.
 */
export function rootEntityKey(state: WorkingState, root: IndexedEvent, countedByOwner: boolean, blame: RootCauseResource | undefined): string | undefined {
  const key = root.entityKey;
  if (!key) return undefined;
  const blamed = blame ? rootCauseResourceOf(state, key, blame, root.event.message, root) : undefined;
  if (blamed) return blamed;
  const ref = parseEntityKey(key);
  // A ReplicaSet reports for its Deployment (FailedCreate on the ReplicaSet a rollout made):
  // the Deployment is what an operator changes, and what the incident is about (one the
  // topology knows no owner of stays itself).
  if (ref?.kind === 'ReplicaSet') return state.rootOwner(key);
  if (ref?.kind !== 'Pod') return key;
  const chain = state.ownerChain(key);
  const top = chain[chain.length - 1];
  if (!top || !WORKLOAD_KINDS.has(entityKeyKind(top) ?? '')) return key;
  // Counted per owner, or the only pod of a one-replica workload crash-looping (its program or
  // its configuration, the same in any replacement): the trouble is the workload's.
  if (countedByOwner || (CRASHES.has(root.event.type) && state.resource(top)?.facts?.replicas === 1)) return top;
  const siblings = state.eventsOnOwner(top, root.at - 30 * 60_000).filter((item) => item.event.type === root.event.type && item.entityKey !== key);
  return siblings.length > 0 ? top : key;
}

/**
 * Resolves a match to its incident's root, given the causal walk back from the match's
 * root step: the walk's earliest cause outranks the resource the pattern blames. Undefined
 * when the root or the symptom has no entity (nothing to say an incident is about).
 */
export function resolveIncidentRoot(state: WorkingState, match: PatternMatch, path: CausalPath): IncidentRoot | undefined {
  const pattern = match.pattern;
  if (pattern.pattern.spec.rootCauseResource === 'top_consumer' && match.symptomStepEvent.entityKey) {
    // Node pressure is explained by whoever consumed the node's memory (or disk), even when the
    // causal walk goes back to the node's pressure condition: the consumer outranks the node.
    const consumer = topConsumer(state, match.rootStepEvent);
    if (consumer) return withEpisode(state, { rootKey: consumer, rootEvent: match.rootStepEvent, path });
  }
  const rootEvent = path.events[0];
  if (!rootEvent) return undefined;
  if ((isPressureEvidence(rootEvent) || isSystemOomVictim(state, rootEvent)) && match.symptomStepEvent.entityKey) {
    // Whatever the pattern (an eviction loop, pods left unscheduled, kills): when the causal
    // walk ends at the node's memory or disk pressure, at a kubelet eviction for it, or at a
    // kill the kernel made for the node (SystemOOM), the node is only where it happened and the
    // pod often a victim: the consumer is the cause.
    const consumer = topConsumer(state, rootEvent, Math.max(rootEvent.at, match.symptomStepEvent.at));
    if (consumer) return withEpisode(state, { rootKey: consumer, rootEvent, path });
  }
  // A restart changes nothing its pods run: what stopped the pods it made is the cause.
  const revealed = causeRevealedByRestart(state, rootEvent, match.symptomStepEvent.at);
  if (revealed && match.symptomStepEvent.entityKey) return { rootKey: revealed, rootEvent, path };
  const rootIsStep = rootEvent.event.id === match.rootStepEvent.event.id;
  const step = match.rootStepEvent;
  if (!rootIsStep && pattern.pattern.spec.rootCauseResource === 'named_cause' && step.event.annotations?.['cause.kind'] && step.entityKey && rootEvent.entityKey === state.rootOwner(step.entityKey)) {
    // The walk went back to the reporter's own workload (its rollout made the pods), but the
    // report names what the pods met (the LimitRange whose default killed them): that is the cause.
    const named = namedCause(state, step);
    if (named) return { rootKey: named, rootEvent: step, path };
  }
  const countedByOwner = rootIsStep && pattern.steps[pattern.rootStep]?.count?.by === 'owner';
  // A walked-back root whose report names what caused it (a victim's Preempted Event names its
  // preemptor) is blamed on that cause, as a pattern matching it directly would blame it.
  const blame = rootIsStep ? pattern.pattern.spec.rootCauseResource : rootEvent.event.annotations?.['cause.kind'] ? 'named_cause' : undefined;
  const rootKey = rootEntityKey(state, rootEvent, countedByOwner, blame);
  if (!rootKey || !match.symptomStepEvent.entityKey) return undefined;
  return { rootKey, rootEvent, path };
}

function withEpisode(state: WorkingState, root: IncidentRoot): IncidentRoot {
  const episode = pressureEpisodeOf(state, root.rootEvent);
  return episode ? { ...root, episode } : root;
}
