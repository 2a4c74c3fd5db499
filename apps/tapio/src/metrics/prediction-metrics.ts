import { totalFollower, type Metrics } from '@tapio/domain';
import type { PredictionTrackerStats } from '@tapio/correlation';

/**
 * The correlation engine's predictions with a deadline, sampled before each scrape: how many
 * wait to be judged, how they turned out, and how many were dropped unjudged because
 * `correlation.limits.maxTrackedPredictions` others were open (a bound set too low shows here).
 */
export function registerPredictionMetrics(metrics: Metrics, stats: () => PredictionTrackerStats): void {
  const open = metrics.gauge('tapio_predictions_open', 'Predictions with a deadline waiting to be judged by what happens');
  const judgedCounter = metrics.counter('tapio_predictions_judged_total', 'Predictions later events judged, by result: came_true (the expected event by the deadline), did_not_happen, or partly_true (some of the pods predicted to fail did)', ['result']);
  const judged = totalFollower(judgedCounter);
  const dropped = totalFollower(metrics.counter('tapio_predictions_dropped_total', 'Open predictions forgotten unjudged because correlation.limits.maxTrackedPredictions others were open'));
  // Both results are exposed from the start, so a rate over either is defined before the first judgement.
  for (const result of ['came_true', 'did_not_happen', 'partly_true']) judgedCounter.inc({ result }, 0);
  metrics.beforeScrape(() => {
    const now = stats();
    open.set(now.open);
    judged(now.cameTrue, { result: 'came_true' });
    judged(now.didNotHappen, { result: 'did_not_happen' });
    judged(now.partlyTrue, { result: 'partly_true' });
    dropped(now.dropped);
  });
}
