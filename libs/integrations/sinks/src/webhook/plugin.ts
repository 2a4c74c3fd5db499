import { definePlugin } from '@tapio/domain';
import { WebhookSink, WebhookSinkConfig } from './webhook-sink.js';

/** `sinks.webhook`: every new, changed and resolved incident as signed JSON. */
export const webhookSinkPlugin = definePlugin({
  id: 'webhook',
  kind: 'sink',
  description: 'POSTs each new, changed or resolved insight as JSON, HMAC-SHA256 signed',
  needs: {},
  configSchema: WebhookSinkConfig,
  register: ({ config }) => ({ sinks: [new WebhookSink(config)] }),
});
