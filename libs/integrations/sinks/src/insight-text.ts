import { formatEntity, type Insight, type InsightChange } from '@tapio/domain';

/** One line saying what the insight is, for chat and alert summaries. */
export function insightHeadline(insight: Insight): string {
  return `[${insight.severity}] ${insight.pattern ?? 'incident'}: root cause ${formatEntity(insight.rootCause.entity)}`;
}

export const CHANGE_WORDS: Record<InsightChange, string> = { new: 'New incident', changed: 'Incident updated', resolved: 'Incident resolved' };

/** The namespaces an insight concerns: its root cause's, then its symptoms' and what it touched. */
export function insightNamespaces(insight: Insight): string[] {
  const all = [insight.rootCause.entity, ...insight.symptoms, ...insight.affected].map((entity) => entity.namespace).filter((namespace): namespace is string => Boolean(namespace));
  return [...new Set(all)];
}
