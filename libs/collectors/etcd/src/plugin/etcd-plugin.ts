import { definePlugin } from '@tapio/domain';
import { EtcdCollector } from '../collector/etcd-collector.js';
import { EtcdCollectorConfig } from '../collector/etcd-config.js';
import { EtcdTransformer } from '../transform/etcd-transformer.js';

/**
 * The etcd collector as a plugin: member health, leader changes, slow applies and disk,
 * database size against its quota, alarms, compaction and defragmentation, from etcd's own
 * API (v3 JSON gateway) and /metrics; plus the transformer for source `etcd`.
 */
export const etcdCollectorPlugin = definePlugin({
  id: 'etcd',
  kind: 'collector',
  description: 'etcd: leader changes, unreachable members, slow applies and fsyncs, quota, alarms (NOSPACE), compaction and defragmentation',
  needs: {},
  configSchema: EtcdCollectorConfig,
  register: ({ config, logger }) => ({
    collectors: [new EtcdCollector(config, { logger })],
    transformers: [new EtcdTransformer()],
  }),
});
