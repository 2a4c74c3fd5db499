/**
 * How much an incident's own evidence supports its pattern: 0.85 for a bare match, up to
 * 1 for a match whose root is linked to its symptom by a causal chain and which touches
 * four or more entities.
 */
export function evidenceFactor(symptomCount: number, chainLength: number): number {
  const chained = chainLength > 1 ? 1 : 0;
  return 0.85 + 0.075 * chained + 0.075 * Math.min(1, (symptomCount - 1) / 3);
}

/** An incident's confidence: the pattern's confidence after feedback, weighed by the incident's evidence, at most 1. */
export function incidentConfidence(patternConfidence: number, symptomCount: number, chainLength: number): number {
  return Math.min(1, patternConfidence * evidenceFactor(symptomCount, chainLength));
}
