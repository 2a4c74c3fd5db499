// The etcd collector's plugin entry (@tapio/collector-etcd/plugin): the collector loads only
// when it is registered.
import { defineCollectorPlugin, Metrics } from '@tapio/domain';
import { EtcdCollectorConfig } from './collector/etcd-config.js';

/**
 * The etcd collector as a plugin: member health, leader changes, slow applies and disk,
 * database size against its quota, alarms, compaction and defragmentation, from etcd's own
 * API (v3 JSON gateway) and /metrics; plus the transformer for source `etcd`.
 */
export const etcdCollectorPlugin = defineCollectorPlugin({
  id: 'etcd',
  description: 'etcd: leader changes, unreachable members, slow applies and fsyncs, quota, alarms (NOSPACE), compaction and defragmentation',
  needs: { metrics: Metrics },
  configSchema: EtcdCollectorConfig,
  transformer: async () => new (await import('./transform/etcd-transformer.js')).EtcdTransformer(),
  collector: async ({ config, logger, deps }) => new (await import('./collector/etcd-collector.js')).EtcdCollector(config, { logger, metrics: deps.metrics }),
});
