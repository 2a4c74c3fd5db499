import { z, type InsightNotification, type InsightSink } from '@tapio/domain';
import { postJson } from '../http/post-json.js';
import { slackMessage } from './slack-message.js';

export const SlackSinkConfig = z
  .object({
    /** The incoming-webhook URL Slack gave (a secret: use ${SLACK_WEBHOOK_URL}). */
    webhookUrl: z.url(),
    /** Base URL of Tapio's web UI, to link each message to its incident. */
    tapioUrl: z.url().optional(),
  })
  .strict();
export type SlackSinkConfig = z.infer<typeof SlackSinkConfig>;

/** Posts a Block Kit message per new, changed or resolved incident to a Slack incoming webhook. */
export class SlackSink implements InsightSink {
  readonly id = 'slack';

  constructor(private readonly config: SlackSinkConfig) {}

  async send(notification: InsightNotification): Promise<void> {
    const url = this.config.tapioUrl ? `${this.config.tapioUrl.replace(/\/+$/, '')}/insights/${encodeURIComponent(notification.insight.id)}` : undefined;
    await postJson(this.config.webhookUrl, JSON.stringify(slackMessage(notification, url)));
  }
}
