import type { PatternConfidence } from '../api/types.ts';

/**
 * How far the people who use Tapio trust a pattern, from their verdicts: seed 002's
 * "low-confidence patterns removed, high-confidence promoted", as a reading aid.
 * `learning` until it has MIN_VERDICTS verdicts; then `promoted` when at least 80% were
 * right, `retired` when at most 30% were, `trusted` in between. The engine itself keeps
 * matching every loaded pattern: this only says which ones the verdicts back.
 */
export const STANDINGS = ['learning', 'trusted', 'promoted', 'retired'] as const;
export type Standing = (typeof STANDINGS)[number];
export const MIN_VERDICTS = 3;

export function patternStanding(pattern: Pick<PatternConfidence, 'accuracy' | 'feedbackCount'>): Standing {
  if (pattern.accuracy === null || pattern.feedbackCount < MIN_VERDICTS) return 'learning';
  if (pattern.accuracy >= 0.8) return 'promoted';
  if (pattern.accuracy <= 0.3) return 'retired';
  return 'trusted';
}
