import { definePlugin } from '@tapio/domain';
import { KubeApiCollector } from '../collector/kubeapi-collector.js';
import { KubeApiCollectorConfig } from '../collector/kubeapi-config.js';

/**
 * The Kubernetes API collector as a plugin. Its collector carries the pod index
 * (`collector.index`), which the composition root registers as the KubeIndex port.
 */
export const kubeApiPlugin = definePlugin({
  id: 'kubeapi',
  kind: 'collector',
  description: 'Lists and watches the Kubernetes API server: objects, changes and Events as kubeapi RawEvents',
  needs: {},
  configSchema: KubeApiCollectorConfig,
  register: ({ config, logger }) => ({ collectors: [new KubeApiCollector(config, { logger })] }),
});
