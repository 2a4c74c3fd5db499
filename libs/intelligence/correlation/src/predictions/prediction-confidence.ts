import { incidentConfidence, inWholePercent } from '../story/confidence.js';

/**
 * A prediction's confidence: its incident's (the pattern's confidence after feedback,
 * weighed by the incident's evidence), scaled by the quality of the trend it extrapolates
 * (`trendFactor`, 0..1: how well the kubelet's line fits, and through how many samples).
 * Recomputed with the same trend factor whenever feedback or outcomes move the pattern's
 * confidence, so a verdict never erases what the trend said of itself. Without a trend
 * the prediction is as sure as its incident.
 */
export function predictionConfidence(incidentConfidence: number, trendFactor?: number): number {
  if (trendFactor === undefined) return incidentConfidence;
  const factor = Number.isFinite(trendFactor) ? Math.min(1, Math.max(0, trendFactor)) : 1;
  return inWholePercent(incidentConfidence * factor);
}

/** What an incident's confidence is weighed by besides its pattern's: kept with the incident so a re-rating weighs the same evidence. */
export interface ConfidenceEvidence {
  /** Entities showing the trouble. */
  symptomCount: number;
  /** Links of the causal chain from the root to the symptom. */
  chainLength: number;
  /** The quality of the trend the prediction extrapolates, when it extrapolates one. */
  trendFactor?: number;
}

/** An incident's insight and prediction confidence from its pattern's confidence after feedback and its own evidence. */
export function rateIncident(patternConfidence: number, evidence: ConfidenceEvidence): { insight: number; prediction: number } {
  const insight = incidentConfidence(patternConfidence, evidence.symptomCount, evidence.chainLength);
  return { insight, prediction: predictionConfidence(insight, evidence.trendFactor) };
}
