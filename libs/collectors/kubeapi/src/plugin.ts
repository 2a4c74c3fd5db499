// The Kubernetes API collector's plugin entry (@tapio/collector-kubeapi/plugin). Light on
// purpose: the API client (@kubernetes/client-node, a second to load) is imported only
// when the collector is registered, so `tapio analyze` and other commands never load it.
import { isAbsolute, resolve } from 'node:path';
import { definePlugin, KubeIndex } from '@tapio/domain';
import { KubeApiCollectorConfig } from './collector/kubeapi-config.js';

/**
 * The Kubernetes API collector as a plugin. It provides its pod index as the KubeIndex
 * port for the kernel, DNS and CRI collectors, and the `kubeapi` transformer for every
 * source of kubeapi events (replays included).
 */
export const kubeApiPlugin = definePlugin({
  id: 'kubeapi',
  kind: 'collector',
  description: 'Lists and watches the Kubernetes API server: objects, changes and Events as kubeapi RawEvents',
  needs: {},
  provides: [KubeIndex],
  configSchema: KubeApiCollectorConfig,
  transformers: async (settings) => {
    const { KubeApiTransformer } = await import('./transform/kubeapi-transformer.js');
    return [new KubeApiTransformer(settings ? { limits: settings.limits, ...(settings.uncordonGraceMs !== undefined ? { uncordonGraceMs: settings.uncordonGraceMs } : {}) } : {})];
  },
  register: async ({ config, logger, baseDir }) => {
    const { KubeApiCollector } = await import('./collector/kubeapi-collector.js');
    const relative = (path: string | undefined) => (path === undefined || isAbsolute(path) ? path : resolve(baseDir, path));
    const kubeconfig = relative(config.kubeconfig);
    const key = config.secrets.fingerprintKey;
    const secrets = key?.file === undefined ? config.secrets : { ...config.secrets, fingerprintKey: { file: relative(key.file) as string } };
    const collector = new KubeApiCollector({ ...config, kubeconfig, secrets }, { logger });
    return { collectors: [collector], provides: [{ token: KubeIndex, value: collector.index }] };
  },
});
