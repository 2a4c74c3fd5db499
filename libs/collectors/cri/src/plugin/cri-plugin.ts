import { DeadLetterSink, definePlugin } from '@tapio/domain';
import { CriCollector } from '../collector/cri-collector.js';
import { CriCollectorConfig } from '../collector/cri-config.js';
import { CriTransformer } from '../transform/cri-transformer.js';

/**
 * The CRI (containerd) collector as a plugin: containerd's event stream over gRPC (task OOM,
 * exit, start, container create/delete, images), attributed to pods through the CRI labels;
 * plus the transformer for source `cri`.
 */
export const criCollectorPlugin = definePlugin({
  id: 'cri',
  kind: 'collector',
  description: 'containerd events over gRPC: OOM kills, exits with code, starts, container and image changes, per pod',
  needs: { deadLetters: DeadLetterSink },
  configSchema: CriCollectorConfig,
  register: ({ deps, config, logger }) => ({
    collectors: [new CriCollector(config, { deadLetters: deps.deadLetters, logger })],
    transformers: [new CriTransformer()],
  }),
});
