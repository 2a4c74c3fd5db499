import type { PatternMatch } from '../patterns/pattern-matcher.js';
import type { WorkingState } from '../state/working-state.js';
import type { ComposeInsight } from './incident.js';
import type { AdmittedInsight, IncidentBook } from './incident-book.js';
import type { IncidentRoot } from './incident-root.js';
import { topConsumer } from './named-cause.js';

/** Why an incident first rooted at a victim is explained by the consumer's (IncidentFold.reason). */
export const CONSUMER_REASON = 'its pods were evicted for what it consumed';

/**
 * Node pressure is judged by the figures known when it is first matched: the kubelet evicts
 * by usage above request and by priority, so its first victims (BestEffort pods, whose
 * request is zero; a lower priority) often report a figure before the consumer does, and the
 * first incident is rooted at the biggest of them. When a later match of the same episode (its
 * node and resource) names another consumer, each open incident of that episode is judged
 * again with what is known now: one whose consumer is now that root is about it from here on
 * (IncidentBook.reRoot). Returns the versions to output.
 */
export function rejudgeConsumers(book: IncidentBook, state: WorkingState, root: IncidentRoot, match: PatternMatch, compose: ComposeInsight): AdmittedInsight[] {
  if (!root.episode) return [];
  const now = match.trigger.at;
  const changed: AdmittedInsight[] = [];
  for (const incident of book.inEpisode(root.episode, now)) {
    if (incident.rootKey === root.rootKey) continue;
    if (topConsumer(state, incident.rootEvent, Math.max(incident.rootEvent.at, now)) !== root.rootKey) continue;
    changed.push(...book.reRoot(incident.id, root, match, compose, CONSUMER_REASON));
  }
  return changed;
}
