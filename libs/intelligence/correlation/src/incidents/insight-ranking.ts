import { severityRank, type Insight } from '@tapio/domain';

/** Most likely and most serious first: severity, confidence, breadth, then the earliest. */
export function rankInsights(a: Insight, b: Insight): number {
  const bySeverity = severityRank(b.severity) - severityRank(a.severity);
  if (bySeverity !== 0) return bySeverity;
  if (Math.abs(b.confidence - a.confidence) > 1e-9) return b.confidence - a.confidence;
  if (b.symptoms.length !== a.symptoms.length) return b.symptoms.length - a.symptoms.length;
  return Date.parse(a.firstSeen) - Date.parse(b.firstSeen) || a.id.localeCompare(b.id);
}
