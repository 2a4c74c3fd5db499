import { definePlugin, Logger } from '@tapio/domain';
import { HeartbeatCollector } from './heartbeat-collector.js';
import { HeartbeatConfig } from './heartbeat-config.js';
import { HeartbeatTransformer } from './heartbeat-transformer.js';

/**
 * The plugin descriptor Tapio loads from tapio.yaml `plugins:`. It contributes the
 * collector and the transformer for the collector's RawEvent source; the collector
 * runs when tapio.yaml has a `collectors.heartbeat` section.
 */
export const heartbeatPlugin = definePlugin({
  id: 'heartbeat',
  kind: 'collector',
  description: 'Node heartbeats: load, memory and uptime, with memory-pressure and reboot detection',
  needs: { logger: Logger },
  configSchema: HeartbeatConfig,
  register: ({ deps, config }) => ({
    collectors: [new HeartbeatCollector(config, deps.logger)],
    transformers: [new HeartbeatTransformer()],
  }),
});
