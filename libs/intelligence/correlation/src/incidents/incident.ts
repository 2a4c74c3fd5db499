import type { IndexedEvent, Insight, Prediction } from '@tapio/domain';
import type { PatternMatch } from '../patterns/pattern-matcher.js';
import type { CascadeTerms } from '../predictions/cascade-watch.js';
import type { ConfidenceEvidence } from '../predictions/prediction-confidence.js';
import type { CausalPath } from '../rootcause/find-root-cause.js';
import type { Occurrences } from './occurrence-history.js';

/** An insight and its prediction, as composed for an incident. */
export interface ComposedInsight {
  insight: Insight;
  prediction: Prediction;
  /** What the confidences were weighed by (symptoms, chain, trend), so feedback re-rates them alike. */
  evidence?: ConfidenceEvidence;
  /** For a prediction about each pod that uses the root: those pods, judged one by one (PredictionTracker). */
  cascade?: CascadeTerms;
}

/** What an incident's insight is composed from. */
export interface IncidentDraft {
  id: string;
  /** The entity the incident is about. */
  rootKey: string;
  /** The match that names the incident (the highest-priority pattern that matched). */
  match: PatternMatch;
  rootEvent: IndexedEvent;
  /** The causal path from the root event to the match's root step. */
  path: CausalPath;
  /** Symptom entities, each with the first event that showed its trouble, in the order they joined. */
  symptoms: ReadonlyMap<string, IndexedEvent>;
  /** When the same pattern found the same root cause before. */
  previous: Occurrences;
  /** The times of the incident's current insight, when it has one (a recomposition keeps `firstSeen`). */
  firstSeen: string | undefined;
  lastSeen: string | undefined;
}

/** Turns a draft into its insight and prediction (the insight composer). */
export type ComposeInsight = (draft: IncidentDraft) => ComposedInsight;

/** One incident: a root cause and everything it explains, with its current insight. */
export interface Incident extends ComposedInsight {
  id: string;
  rootKey: string;
  /** Where its previous occurrences are kept: the root's workload for a pod, else the root. */
  historyKey: string;
  /** Priority of the pattern that names it. */
  priority: number;
  match: PatternMatch;
  rootEvent: IndexedEvent;
  path: CausalPath;
  symptoms: Map<string, IndexedEvent>;
  /** The last-seen time (ms) of the last version the book returned of it (a repeat is told a step past it). */
  toldLastSeenMs: number;
  /** The node pressure episodes whose consumer its root was judged to be (IncidentRoot.episode). */
  episodes?: Set<string>;
}
