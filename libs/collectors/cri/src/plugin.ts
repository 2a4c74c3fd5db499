// The CRI collector's plugin entry (@tapio/collector-cri/plugin): the gRPC client and the
// containerd protos load only when the collector is registered.
import { DeadLetterSink, definePlugin, Metrics } from '@tapio/domain';
import { CriCollectorConfig } from './collector/cri-config.js';

/**
 * The CRI (containerd) collector as a plugin: containerd's event stream over gRPC (task OOM,
 * exit, start, container create/delete, images), attributed to pods through the CRI labels;
 * plus the transformer for source `cri`.
 */
export const criCollectorPlugin = definePlugin({
  id: 'cri',
  kind: 'collector',
  description: 'containerd events over gRPC: OOM kills, exits with code, starts, container and image changes, per pod',
  needs: { deadLetters: DeadLetterSink, metrics: Metrics },
  configSchema: CriCollectorConfig,
  transformers: async () => {
    const { CriTransformer } = await import('./transform/cri-transformer.js');
    return [new CriTransformer()];
  },
  register: async ({ deps, config, logger }) => {
    const { CriCollector } = await import('./collector/cri-collector.js');
    return { collectors: [new CriCollector(config, { deadLetters: deps.deadLetters, logger, metrics: deps.metrics })] };
  },
});
