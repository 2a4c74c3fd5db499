import type { Insight } from '../insights/insight.js';
import { token } from './token.js';

/**
 * Why a sink is told about an insight: a new incident, an update that changes what it
 * says (severity, root cause, reach, confidence), or the incident's end (no further
 * trouble within the resolve delay).
 */
export type InsightChange = 'new' | 'changed' | 'resolved';

export interface InsightNotification {
  insight: Insight;
  change: InsightChange;
}

/**
 * Where insights go out of Tapio (webhook, Slack, Alertmanager, a plugin's own): one
 * `send` per notification; a rejected promise is a failed delivery, retried by the
 * caller with back-off. A sink keeps no retry logic of its own.
 */
export interface InsightSink {
  readonly id: string;
  send(notification: InsightNotification): Promise<void>;
}
export const InsightSink = token<InsightSink>('InsightSink');
