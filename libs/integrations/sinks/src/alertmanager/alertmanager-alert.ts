import { formatEntity, type InsightNotification } from '@tapio/domain';
import { insightHeadline, insightNamespaces } from '../insight-text.js';

/** Prometheus label values are free text; names here are fixed. */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL?: string;
}

/**
 * The alert for one incident. Its labels identify the incident (`insight` is its id), so
 * every notification of one incident updates the same alert; `endsAt` is now for a
 * resolved incident and `activeFor` ahead otherwise (if Tapio stops telling, the alert
 * ends by itself rather than staying open for ever).
 */
export function alertFor(notification: InsightNotification, nowMs: number, activeForMs: number, extraLabels: Record<string, string>, generatorURL?: string): AlertmanagerAlert {
  const { insight, change } = notification;
  const namespace = insightNamespaces(insight)[0];
  return {
    labels: {
      ...extraLabels,
      alertname: 'TapioIncident',
      insight: insight.id,
      severity: insight.severity,
      pattern: insight.pattern ?? 'none',
      root_cause: formatEntity(insight.rootCause.entity),
      root_cause_kind: insight.rootCause.entity.kind,
      ...(namespace ? { namespace } : {}),
      ...(insight.cluster ? { cluster: insight.cluster } : {}),
    },
    annotations: {
      summary: insightHeadline(insight),
      description: insight.story,
      ...(insight.nextChecks.length ? { next_checks: insight.nextChecks.join('\n') } : {}),
      confidence: String(Math.round(insight.confidence * 100) / 100),
    },
    startsAt: insight.createdAt,
    endsAt: new Date(change === 'resolved' ? nowMs : nowMs + activeForMs).toISOString(),
    ...(generatorURL ? { generatorURL } : {}),
  };
}
