import type { PatternMatch } from '../patterns/pattern-matcher.js';

/**
 * What a match's prediction is about within its incident: the container its expectation's
 * step event names (two containers of one pod growing toward their limits are one incident
 * with two predictions); undefined for a prediction about the incident as a whole.
 */
export function predictionSubject(match: PatternMatch): string | undefined {
  const expect = match.pattern.prediction.expect;
  if (!expect || expect.each) return undefined;
  const index = expect.on === undefined ? match.pattern.steps.length - 1 : match.pattern.steps.findIndex((step) => step.id === expect.on);
  return match.events[index]?.event.kubernetes?.container;
}
