// The pipeline's plugin entry (@tapio/pipeline/plugin): the transformers for the sources of
// seed 000's mapping table, which no collector of Tapio's own emits but recordings and
// third-party collectors may.
import { definePlugin } from '@tapio/domain';
import { seedMappingTransformers } from './transformers/seed-mapping.js';

export const seedSourcesPlugin = definePlugin({
  id: 'seed-sources',
  kind: 'transformer',
  description: "Transformers for seed 000's sources: kubelet, network connections, CNI, configuration",
  needs: {},
  transformers: () => [...seedMappingTransformers],
  register: () => ({}),
});
