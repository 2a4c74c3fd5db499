import type { Prediction, PredictionTally } from '@tapio/domain';

/**
 * An incident's predictions with a deadline, as its story tells them, oldest first: when
 * each was issued and what it said, then what happened: "came true at T" (the expected
 * event by the deadline), "did not happen by T: prediction closed", "withdrawn: the working
 * set fell back ... (T): prediction closed" when its trend reversed first, or "expected by
 * T" while open. A prediction about several pods says how many did what ("so far 4 of 9
 * failed the same way, 2 restarted healthy"; "partly right by T: ...") and what it said
 * before the evidence revised it. Times are absolute, like the rest of what is stored.
 */
export function predictionStoryLines(predictions: readonly Prediction[]): string[] {
  return predictions
    .filter((prediction) => prediction.deadline !== undefined)
    .map((prediction) => `Predicted at ${prediction.createdAt} (${prediction.patternId}): ${prediction.message}${revisedWords(prediction)}; ${outcomeWords(prediction)}`);
}

function revisedWords(prediction: Prediction): string {
  return (prediction.revisions ?? []).map((revision) => ` (revised at ${revision.at}; it said: ${revision.message})`).join('');
}

/** "4 of 9 failed the same way, 2 restarted healthy, 3 did not restart, 1 deleted" (after the first, the parts that are not zero). */
export function tallyWords(tally: PredictionTally, waitingWords = 'did not restart'): string {
  const waiting = tally.expected - tally.failed - tally.healthy - tally.gone;
  const parts = [`${tally.failed} of ${tally.expected} failed the same way`];
  if (tally.healthy) parts.push(`${tally.healthy} restarted healthy`);
  if (waiting) parts.push(`${waiting} ${waitingWords}`);
  if (tally.gone) parts.push(`${tally.gone} deleted`);
  return parts.join(', ');
}

function outcomeWords(prediction: Prediction): string {
  const { tally, result } = prediction;
  if (tally && !result) return `so far ${tallyWords(tally, 'not restarted yet')}; expected by ${prediction.deadline}`;
  if (tally && result?.status === 'came_true') return `came true at ${result.at}: ${tallyWords(tally)}`;
  if (tally && result?.status === 'partly_true') return `partly right by ${result.at}: ${tallyWords(tally)}: prediction closed`;
  if (tally && result?.status === 'did_not_happen' && !result.reason) return `did not happen by ${result.at}: ${tallyWords(tally)}: prediction closed`;
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
