import { Duration, parseDuration, z, type InsightNotification, type InsightSink } from '@tapio/domain';
import { postJson } from '../http/post-json.js';
import { alertFor } from './alertmanager-alert.js';

export const AlertmanagerSinkConfig = z
  .object({
    /** Alertmanager's base URL (http://alertmanager:9093). */
    url: z.url(),
    /** How long an alert stays firing without news from Tapio (it ends by itself after). */
    activeFor: Duration.default('2h'),
    /** Labels added to every alert (team, cluster...). */
    labels: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'a Prometheus label name'), z.string()).default({}),
    /** Base URL of Tapio's web UI, for each alert's generatorURL. */
    tapioUrl: z.url().optional(),
  })
  .strict();
export type AlertmanagerSinkConfig = z.infer<typeof AlertmanagerSinkConfig>;

/** Fires, updates and resolves one Alertmanager alert per incident (POST /api/v2/alerts). */
export class AlertmanagerSink implements InsightSink {
  readonly id = 'alertmanager';
  private readonly activeForMs: number;

  constructor(
    private readonly config: AlertmanagerSinkConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.activeForMs = parseDuration(config.activeFor);
  }

  async send(notification: InsightNotification): Promise<void> {
    const link = this.config.tapioUrl ? `${this.config.tapioUrl.replace(/\/+$/, '')}/insights/${encodeURIComponent(notification.insight.id)}` : undefined;
    const alert = alertFor(notification, this.now(), this.activeForMs, this.config.labels, link);
    await postJson(`${this.config.url.replace(/\/+$/, '')}/api/v2/alerts`, JSON.stringify([alert]));
  }
}
