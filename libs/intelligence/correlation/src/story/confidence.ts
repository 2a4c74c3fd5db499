/**
 * How much an incident's own evidence supports its pattern: 0.85 for a bare match, up to
 * 1 for a match whose root is linked to its symptom by a causal chain and which touches
 * four or more entities.
 */
export function evidenceFactor(symptomCount: number, chainLength: number): number {
  const chained = chainLength > 1 ? 1 : 0;
  return 0.85 + 0.075 * chained + 0.075 * Math.min(1, (symptomCount - 1) / 3);
}

/**
 * An incident's confidence: the pattern's confidence after feedback, weighed by the
 * incident's evidence, at most 1, in whole percent. The percent is what every reader is
 * shown (the story, the CLI, Slack, Alertmanager); finer steps are the pattern's learning
 * moving by a judged prediction at a time, and each step was a new version of every open
 * incident of the pattern (in a 30,000-event recording 16,000 of 20,000 insight versions
 * differed from the one before by their confidence alone, most by less than half a percent).
 * The pattern's own confidence keeps its precision (FeedbackLedger).
 */
export function incidentConfidence(patternConfidence: number, symptomCount: number, chainLength: number): number {
  return inWholePercent(Math.min(1, patternConfidence * evidenceFactor(symptomCount, chainLength)));
}

/** A confidence rounded to the whole percent (incidents' and trend predictions' confidences). */
export function inWholePercent(confidence: number): number {
  return Math.round(confidence * 100) / 100;
}
