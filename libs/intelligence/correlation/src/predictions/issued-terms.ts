import { parseDuration, podsReachedBy, type EntityRef, type PatternPrediction } from '@tapio/domain';
import type { IncidentDraft } from '../incidents/incident.js';
import type { WorkingState } from '../state/working-state.js';
import { iso } from '../story/entity-refs.js';
import { predictionTerms, type PredictionTerms } from '../story/prediction-expectation.js';
import type { CascadeTerms } from './cascade-watch.js';

/** What a prediction is judged by: its expectation and deadline, and for one about each pod that uses the root, those pods. */
export interface IssuedTerms {
  terms?: PredictionTerms;
  cascade?: CascadeTerms;
}

/**
 * The terms of an incident's prediction. With `expect.each: pending_users` (config-cascade:
 * "9 more of the 12 pods that use it will fail"), the pods that use the incident's root and
 * are not among its failing pods, issued when the match's trigger arrived, due `time_horizon`
 * later, about the root; none when no such pod is left (nothing to predict). Otherwise
 * predictionTerms (one expected event about one entity).
 */
export function issuedTerms(state: WorkingState, draft: IncidentDraft, predicted: PatternPrediction, rootRef: EntityRef, failingPods: readonly string[]): IssuedTerms {
  const expect = predicted.expect;
  if (expect?.each !== 'pending_users') {
    const terms = predictionTerms(state, draft.match, predicted);
    return terms ? { terms } : {};
  }
  if (!predicted.time_horizon) return {};
  const failing = new Set(failingPods);
  const pending = podsReachedBy(state.topology, draft.rootKey)
    .filter((pod) => !failing.has(pod))
    .sort();
  if (!pending.length) return {};
  const trigger = draft.match.trigger;
  return {
    terms: {
      expects: { eventTypes: [...expect.events], entity: rootRef },
      deadline: iso(trigger.at + parseDuration(predicted.time_horizon)),
      issuedAt: trigger.event.timestamp,
      confidenceFactor: 1,
    },
    cascade: { pending, rootKey: draft.rootKey, root: rootRef, change: draft.rootEvent.event.kubernetes?.changes ?? [], at: trigger.event.timestamp },
  };
}
