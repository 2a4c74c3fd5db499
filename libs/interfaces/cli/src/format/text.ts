import { formatEntity, storyWithAges, type EntityRef, type EventSummary, type IncidentFold, type Insight, type PatternConfidence, type Prediction, type UnifiedEvent } from '@tapio/domain';

export const percent = (value: number) => `${Math.round(value * 100)}%`;

export function entityText(ref: EntityRef | undefined): string {
  return ref ? formatEntity(ref) : '-';
}

/** One event per line: time, severity, type, entity, message. */
export function eventLine(event: EventSummary | UnifiedEvent): string {
  return `  ${event.timestamp}  ${event.severity.padEnd(8)} ${event.type.padEnd(22)} ${entityText(event.entity)}: ${event.message}`;
}

export function insightHeadline(insight: Insight): string {
  return `[${insight.severity}] ${insight.pattern ?? 'insight'}: root cause ${formatEntity(insight.rootCause.entity)} (confidence ${percent(insight.confidence)}, prediction ${insight.predictionId ?? '-'})`;
}

/** The other side of a fold, on one line: severity, pattern, root, insight id, and why it is one cause. */
function foldLine(fold: IncidentFold): string {
  return `[${fold.severity}] ${fold.pattern ?? 'insight'}: root cause ${formatEntity(fold.rootCause)} (${fold.insightId}): ${fold.reason}`;
}

/** " (also explains 2)" for a root, " (folded into ins-...)" for a folded incident, else nothing. */
export function foldNote(insight: Insight): string {
  if (insight.explainedBy) return ` (folded into ${insight.explainedBy.insightId}: ${formatEntity(insight.explainedBy.rootCause)})`;
  const count = insight.alsoExplains?.length ?? 0;
  return count ? ` (also explains ${count})` : '';
}

/** What a fold says, as lines under an insight: the incidents it explains, or the one that explains it. */
export function foldLines(insight: Insight): string[] {
  if (insight.explainedBy) return ['', `Folded into: ${foldLine(insight.explainedBy)}`, `  (one cause: tapio insights ${insight.explainedBy.insightId})`];
  const folded = insight.alsoExplains ?? [];
  return folded.length ? ['', `Also explains ${folded.length} incident${folded.length > 1 ? 's' : ''}:`, ...folded.map((fold) => `  - ${foldLine(fold)}`)] : [];
}

/** An insight in full: headline, the story, what it explains or what explains it, what else to check, how to give feedback. */
export function insightBlock(insight: Insight, index?: number, nowMs = Date.now()): string {
  const lines = [`${index !== undefined ? `#${index + 1} ` : ''}${insightHeadline(insight)}`, `  id ${insight.id}, ${insight.firstSeen} .. ${insight.lastSeen}`, '', storyWithAges(insight.story, nowMs), ...foldLines(insight)];
  if (insight.nextChecks.length) lines.push('', 'Next checks:', ...insight.nextChecks.map((check) => `  - ${check}`));
  if (insight.predictionId) lines.push('', `Was this right? tapio feedback ${insight.predictionId} --accurate|--inaccurate [--comment TEXT]`);
  return lines.join('\n');
}

const clock = (timestamp: string) => new Date(timestamp).toISOString().slice(11, 16);

/** What later events made of a prediction with a deadline: "came true 14:02", "did not happen" (with why, when withdrawn before its deadline), "open, expected by 14:07"; empty without a deadline. */
export function predictionResultText(prediction: Pick<Prediction, 'deadline' | 'result' | 'tally'>): string {
  const counted = prediction.tally ? `: ${prediction.tally.failed} of ${prediction.tally.expected} failed, ${prediction.tally.healthy} restarted healthy` : '';
  if (prediction.result?.status === 'came_true') return `came true ${clock(prediction.result.at)}${prediction.result.eventId ? ` (${prediction.result.eventId})` : ''}${counted}`;
  if (prediction.result?.status === 'partly_true') return `partly right (${clock(prediction.result.at)})${counted}`;
  if (prediction.result?.reason) return `did not happen, ${prediction.result.reason} (${clock(prediction.result.at)})`;
  if (prediction.result) return `did not happen (deadline ${clock(prediction.result.at)})${counted}`;
  return prediction.deadline ? `open, expected by ${clock(prediction.deadline)}${counted ? `${counted} so far` : ''}` : '';
}

/** An incident's predictions, one a line: when, what, how sure, and what later events made of it. */
export function predictionLines(predictions: readonly Prediction[]): string[] {
  return predictions.map((prediction) => {
    const result = predictionResultText(prediction);
    return `  ${prediction.createdAt}  ${prediction.message} (${prediction.patternId}, confidence ${percent(prediction.confidence)})${result ? `: ${result}` : ''}`;
  });
}

export function patternRow(pattern: PatternConfidence): string {
  const accuracy = pattern.accuracy === null ? '-' : percent(pattern.accuracy);
  return `${pattern.patternId.padEnd(32)} ${pattern.status.padEnd(9)} ${percent(pattern.baseConfidence).padStart(5)} ${percent(pattern.confidence).padStart(11)} ${accuracy.padStart(9)} ${String(pattern.feedbackCount).padStart(9)} ${String(pattern.matches).padStart(8)}`;
}

export const PATTERN_HEADER = `${'PATTERN'.padEnd(32)} ${'STATUS'.padEnd(9)} ${'BASE'.padStart(5)} ${'CONFIDENCE'.padStart(11)} ${'ACCURACY'.padStart(9)} ${'FEEDBACK'.padStart(9)} ${'MATCHES'.padStart(8)}`;
