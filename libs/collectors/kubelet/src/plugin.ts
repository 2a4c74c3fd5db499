// The kubelet collector's plugin entry (@tapio/collector-kubelet/plugin): the collector loads only
// when it is registered.
import { DeadLetterSink, defineCollectorPlugin, Logger, Metrics } from '@tapio/plugin-api';
import { KubeletConfig } from './collector/kubelet-config.js';

/**
 * The kubelet collector as a plugin: its node's kubelet API on the secure port (`/pods`,
 * `/stats/summary`): containers' memory and CPU against their limits, pods' ephemeral storage
 * and processes, memory trends toward the limit, node pressure; plus the transformer for
 * source `kubelet_api`. (Seed 000's kubelet payloads, source `kubelet`, are the seed-sources
 * plugin's.)
 */
export const kubeletPlugin = defineCollectorPlugin({
  id: 'kubelet',
  description: 'kubelet API: memory / CPU / ephemeral storage / PIDs against limits, memory trends toward the limit, node pressure before the API server reports it',
  needs: { logger: Logger, deadLetters: DeadLetterSink, metrics: Metrics },
  configSchema: KubeletConfig,
  transformer: async () => new (await import('./transform/kubelet-transformer.js')).KubeletApiTransformer(),
  collector: async ({ deps, config }) => new (await import('./collector/kubelet-collector.js')).KubeletCollector(config, { logger: deps.logger, deadLetters: deps.deadLetters, metrics: deps.metrics }),
});
