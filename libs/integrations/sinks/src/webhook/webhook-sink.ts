import { createHmac } from 'node:crypto';
import { z, type InsightNotification, type InsightSink } from '@tapio/domain';
import { postJson } from '../http/post-json.js';

export const WebhookSinkConfig = z
  .object({
    /** Where to POST. */
    url: z.url(),
    /** Shared secret for the HMAC-SHA256 signature; without it nothing is signed. */
    secret: z.string().min(16, 'use a secret of at least 16 characters').optional(),
    /** Extra request headers (an API key of the receiver). */
    headers: z.record(z.string(), z.string()).default({}),
  })
  .strict();
export type WebhookSinkConfig = z.infer<typeof WebhookSinkConfig>;

export const SIGNATURE_HEADER = 'x-tapio-signature';
export const TIMESTAMP_HEADER = 'x-tapio-timestamp';

/** `sha256=<hex>` of HMAC-SHA256 over `<timestamp>.<body>`, as receivers recompute it. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * POSTs `{ "change": "new"|"changed"|"resolved", "insight": Insight }` as JSON. With a
 * secret, `X-Tapio-Timestamp` (Unix seconds) and `X-Tapio-Signature` let the receiver
 * check the sender and refuse replays of old deliveries.
 */
export class WebhookSink implements InsightSink {
  readonly id = 'webhook';

  constructor(
    private readonly config: WebhookSinkConfig,
    private readonly now: () => number = Date.now,
  ) {}

  async send(notification: InsightNotification): Promise<void> {
    const body = JSON.stringify({ change: notification.change, insight: notification.insight });
    const headers: Record<string, string> = { ...this.config.headers };
    if (this.config.secret) {
      const timestamp = String(Math.floor(this.now() / 1000));
      headers[TIMESTAMP_HEADER] = timestamp;
      headers[SIGNATURE_HEADER] = webhookSignature(this.config.secret, timestamp, body);
    }
    await postJson(this.config.url, body, headers);
  }
}
