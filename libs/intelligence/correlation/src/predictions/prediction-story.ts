import type { Prediction } from '@tapio/domain';

/**
 * An incident's predictions with a deadline, as its story tells them, oldest first: when
 * each was issued and what it said, then what happened: "came true at T" (the expected
 * event by the deadline), "did not happen by T: prediction closed", "withdrawn: the working
 * set fell back ... (T): prediction closed" when its trend reversed first, or "expected by
 * T" while open. Times are absolute, like the rest of what is stored.
 */
export function predictionStoryLines(predictions: readonly Prediction[]): string[] {
  return predictions
    .filter((prediction) => prediction.deadline !== undefined)
    .map((prediction) => `Predicted at ${prediction.createdAt} (${prediction.patternId}): ${prediction.message}; ${outcomeWords(prediction)}`);
}

function outcomeWords(prediction: Prediction): string {
  if (prediction.result?.status === 'came_true') return `came true at ${prediction.result.at}`;
  if (prediction.result?.status === 'did_not_happen' && prediction.result.reason) return `${prediction.result.reason} (${prediction.result.at}): prediction closed`;
  if (prediction.result?.status === 'did_not_happen') return `did not happen by ${prediction.result.at}: prediction closed`;
  return `expected by ${prediction.deadline}`;
}

/**
 * The predictions an incident's story tells: those tracked for it (issued earlier, possibly
 * by another pattern, with their results) and its own current one, which the tracker keeps
 * as first issued. Oldest first; each once.
 */
export function toldPredictions(tracked: readonly Prediction[], own: Prediction): Prediction[] {
  const told = tracked.some((prediction) => prediction.id === own.id) ? [...tracked] : [...tracked, own];
  return told.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id.localeCompare(b.id));
}

/**
 * A warning whose predicted failure did not come is closed: the incident the pattern opened
 * only to predict it (its own prediction says what to expect by when) drops to low severity,
 * so it no longer reads as trouble once the deadline passed without it.
 */
export function closedWarning(tracked: readonly Prediction[], ownId: string, predictsByDeadline: boolean): boolean {
  return predictsByDeadline && tracked.some((prediction) => prediction.id === ownId && prediction.result?.status === 'did_not_happen');
}
