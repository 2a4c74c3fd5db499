import { definePlugin, Logger } from '@tapio/plugin-api';
import { HeartbeatCollector } from './heartbeat-collector.js';
import { HeartbeatConfig } from './heartbeat-config.js';
import { HeartbeatTransformer } from './heartbeat-transformer.js';

/**
 * The plugin descriptor Tapio loads from tapio.yaml `plugins:`. It offers the
 * transformer for the collector's RawEvent source and contributes the collector, which
 * runs when tapio.yaml has a `collectors.heartbeat` section.
 */
export const heartbeatPlugin = definePlugin({
  id: 'heartbeat',
  kind: 'collector',
  description: 'Node heartbeats: load, memory and uptime, with memory-pressure and reboot detection',
  needs: { logger: Logger },
  configSchema: HeartbeatConfig,
  // Taken in every process that transforms, whether or not the collector runs there.
  transformers: () => [new HeartbeatTransformer()],
  register: ({ deps, config }) => ({
    collectors: [new HeartbeatCollector(config, deps.logger)],
  }),
});
