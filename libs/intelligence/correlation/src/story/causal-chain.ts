import type { ChainLink, IndexedEvent } from '@tapio/domain';
import { CHANGE_TYPES } from '../correlators/event-classes.js';
import type { PatternMatch } from '../patterns/pattern-matcher.js';
import type { CausalPath } from '../rootcause/find-root-cause.js';
import type { WorkingState } from '../state/working-state.js';
import { refOf } from './entity-refs.js';

/** The events an insight's chain shows, oldest first, and the causal path whose edges name their relations. */
export interface CausalChain {
  events: IndexedEvent[];
  path: CausalPath;
}

/**
 * The chain from the root cause to the trouble. `path` leads from the root event to the
 * match's root step, `symptomPath` from the earliest cause to the match's symptom step:
 * when that one starts at the root too it is preferred, as it shows the intermediate steps
 * (the rollout between a config change and the crashes). The match's later steps follow,
 * and changes to the symptom's owners between the root cause and the symptom (a rollout
 * that carried a config change to new pods) belong in it too.
 */
export function causalChain(state: WorkingState, match: PatternMatch, rootEvent: IndexedEvent, path: CausalPath, symptomPath: CausalPath): CausalChain {
  const throughSymptom = symptomPath.events[0]?.event.id === rootEvent.event.id;
  const chainPath = throughSymptom ? symptomPath : path;
  const events = [...chainPath.events];
  const contains = (item: IndexedEvent) => events.some((known) => known.event.id === item.event.id);
  for (const event of match.events.slice(match.pattern.rootStep + 1)) if (!contains(event)) events.push(event);
  const symptom = match.symptomStepEvent;
  if (symptom.entityKey) {
    for (const owner of state.ownerChain(symptom.entityKey)) {
      for (const change of state.eventsOn(owner, rootEvent.at, CHANGE_TYPES)) {
        if (change.at <= symptom.at && change.event.id !== rootEvent.event.id && !contains(change)) events.push(change);
      }
    }
  }
  events.sort((a, b) => a.at - b.at);
  return { events, path: chainPath };
}

/** The chain as an insight carries it: each event with its entity, and the causal edge's reason where the path has one. */
export function chainLinks(state: WorkingState, chain: CausalChain): ChainLink[] {
  return chain.events.map((item, index) => {
    const edge = index > 0 ? chain.path.edges[index - 1] : undefined;
    return {
      eventId: item.event.id,
      entity: item.entityKey ? refOf(item.entityKey, state) : { kind: 'Unknown', name: item.event.source },
      type: item.event.type,
      timestamp: item.event.timestamp,
      summary: item.event.message,
      ...(edge ? { relation: edge.reason, evidence: edge.correlator } : {}),
    };
  });
}
