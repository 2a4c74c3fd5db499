import { z } from 'zod';

/** Ordered from least to most serious; `severityRank` relies on this order. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;

export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}
