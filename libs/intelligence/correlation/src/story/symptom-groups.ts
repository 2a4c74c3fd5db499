import { entityKeyKind, type IndexedEvent } from '@tapio/domain';

/** A symptom: the affected entity and the first event that showed its trouble. */
export interface Symptom {
  key: string;
  event: IndexedEvent;
}

/** How a story tells the symptoms. */
export interface SymptomGroups {
  /** Every symptom, in the order its trouble started. */
  ordered: Symptom[];
  /** The symptoms the story names together: the pods, or every symptom when none is a pod. */
  told: Symptom[];
  /** The other affected entities, named apart (a Deployment whose rollout stalled). */
  others: Symptom[];
  /** "3 pods affected (pod restart, crash loop)". */
  summary: string;
}

/** An event type as words: `pod_restart` → "pod restart". */
export function eventTypeWords(type: string): string {
  return type.replace(/_/g, ' ');
}

/**
 * The story names pods together (how many, which, where) and every other affected
 * entity (a Deployment whose rollout stalled, a Service left without endpoints) apart.
 */
export function groupSymptoms(symptoms: ReadonlyMap<string, IndexedEvent>): SymptomGroups {
  const ordered = [...symptoms.entries()].map(([key, event]) => ({ key, event })).sort((a, b) => a.event.at - b.event.at);
  const pods = ordered.filter((symptom) => entityKeyKind(symptom.key) === 'Pod');
  const told = pods.length ? pods : ordered;
  // A Set, not pods.includes: an incident recomposed per gained symptom made this quadratic in its symptoms.
  const podSet = new Set(pods);
  const others = pods.length ? ordered.filter((symptom) => !podSet.has(symptom)) : [];
  const types = new Set(told.map((symptom) => eventTypeWords(symptom.event.event.type)));
  const noun = pods.length ? `pod${told.length === 1 ? '' : 's'}` : `entit${told.length === 1 ? 'y' : 'ies'}`;
  return { ordered, told, others, summary: `${told.length} ${noun} affected (${[...types].join(', ')})` };
}
