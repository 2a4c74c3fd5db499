import { isAbsolute, resolve } from 'node:path';
import { definePlugin, KubeIndex } from '@tapio/domain';
import { KubeApiCollector } from '../collector/kubeapi-collector.js';
import { KubeApiCollectorConfig } from '../collector/kubeapi-config.js';

/**
 * The Kubernetes API collector as a plugin. It provides its pod index as the KubeIndex
 * port for the kernel, DNS and CRI collectors. (The `kubeapi` transformer is registered by
 * the composition root for every source of kubeapi events, replays included, so it is not
 * contributed here a second time.)
 */
export const kubeApiPlugin = definePlugin({
  id: 'kubeapi',
  kind: 'collector',
  description: 'Lists and watches the Kubernetes API server: objects, changes and Events as kubeapi RawEvents',
  needs: {},
  configSchema: KubeApiCollectorConfig,
  register: ({ config, logger, baseDir }) => {
    const relative = (path: string | undefined) => (path === undefined || isAbsolute(path) ? path : resolve(baseDir, path));
    const kubeconfig = relative(config.kubeconfig);
    const key = config.secrets.fingerprintKey;
    const secrets = key?.file === undefined ? config.secrets : { ...config.secrets, fingerprintKey: { file: relative(key.file) as string } };
    const collector = new KubeApiCollector({ ...config, kubeconfig, secrets }, { logger });
    return { collectors: [collector], provides: [{ token: KubeIndex, value: collector.index }] };
  },
});
