// The CNI collector's plugin entry (@tapio/collector-cni/plugin): the collector loads only when
// it is registered.
import { DeadLetterSink, defineCollectorPlugin, Logger, Metrics } from '@tapio/plugin-api';
import { CniConfig } from './collector/cni-config.js';

/**
 * The CNI collector as a plugin: every pod network set-up and tear-down with its result or
 * failure, reported by tapio-cni-tap (bin/), which wraps the node's real CNI plugin; plus
 * the transformer for source `cni_tap`.
 */
export const cniPlugin = defineCollectorPlugin({
  id: 'cni',
  description: 'CNI: pod network set-up and tear-down (interface, IPs, gateway) and their failures (IPAM range exhausted, bridge or plugin missing, plugin errors), per pod sandbox',
  needs: { logger: Logger, deadLetters: DeadLetterSink, metrics: Metrics },
  configSchema: CniConfig,
  transformer: async () => new (await import('./transform/cni-transformer.js')).CniTapTransformer(),
  collector: async ({ deps, config, baseDir }) => new (await import('./collector/cni-collector.js')).CniCollector(config, { logger: deps.logger, deadLetters: deps.deadLetters, baseDir, metrics: deps.metrics }),
});
