import { expect } from 'vitest';
import { severityRank, type Insight } from '@tapio/domain';
import { analyzeRecording } from './analyze-recording.js';
import { normalise, type ExpectedEntity, type RecordedLine } from './recording-variants.js';

export function describeInsights(insights: readonly Insight[]): string {
  return insights
    .slice(0, 4)
    .map((insight) => `[${insight.severity} ${insight.pattern} ${insight.confidence.toFixed(2)}] ${insight.rootCause.entity.kind} ${insight.rootCause.entity.namespace ?? ''}/${insight.rootCause.entity.name}`)
    .join('; ') || '(none)';
}

const same = (a: ExpectedEntity, b: { kind: string; namespace?: string | null; name: string }) => a.kind === b.kind && (a.namespace ?? null) === (b.namespace ?? null) && a.name === b.name;

/**
 * The shared scenarios' judging rule: an incident recording is right when the FIRST
 * insight's root cause is one of `accept`; a benign one (empty `accept`) when no
 * insight has severity medium or above.
 */
export function judge(lines: readonly RecordedLine[], accept: readonly ExpectedEntity[]): Insight[] {
  const { insights, rejected } = analyzeRecording(normalise(lines));
  expect(rejected, 'the recording must be valid').toBe(0);
  if (accept.length === 0) {
    const loud = insights.filter((insight) => severityRank(insight.severity) >= severityRank('medium'));
    expect(loud, `benign recording reported: ${describeInsights(loud)}`).toEqual([]);
    return insights;
  }
  const first = insights[0];
  expect(first, 'an incident recording must produce an insight').toBeDefined();
  const root = first!.rootCause.entity;
  expect(accept.some((candidate) => same(candidate, root)), `first insight root ${root.kind} ${root.namespace ?? ''}/${root.name}; insights: ${describeInsights(insights)}`).toBe(true);
  return insights;
}
