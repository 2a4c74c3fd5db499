import type { Insight } from '../insights/insight.js';

/**
 * An Insight for a test: every required field present and empty (no symptoms, chain or
 * story; all times one instant), with the fields the test is about given in `fields`. A
 * field added to the schema is then added here once, not in every test's literal.
 */
export function insightWith(fields: Pick<Insight, 'id' | 'rootCause'> & Partial<Insight>): Insight {
  const at = fields.createdAt ?? '2026-03-02T10:00:00Z';
  return {
    title: fields.id,
    severity: 'high',
    confidence: 0.8,
    symptoms: [],
    chain: [],
    affected: [],
    story: '',
    nextChecks: [],
    previousOccurrences: [],
    eventIds: [],
    firstSeen: at,
    lastSeen: at,
    createdAt: at,
    ...fields,
  };
}
