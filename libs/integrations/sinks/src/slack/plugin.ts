import { definePlugin } from '@tapio/domain';
import { SlackSink, SlackSinkConfig } from './slack-sink.js';

/** `sinks.slack`: a Block Kit message per incident to a Slack incoming webhook. */
export const slackSinkPlugin = definePlugin({
  id: 'slack',
  kind: 'sink',
  description: 'Posts each new, changed or resolved incident to a Slack incoming webhook (Block Kit)',
  needs: {},
  configSchema: SlackSinkConfig,
  register: ({ config }) => ({ sinks: [new SlackSink(config)] }),
});
