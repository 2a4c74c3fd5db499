import { describe, expect, it } from 'vitest';
import { DEFAULT_CHANGE_LIMITS, isPluginDescriptor, KubeIndex, silentLogger } from '@tapio/domain';
import { KubeApiCollector } from './collector/kubeapi-collector.js';
import { KubeApiTransformer } from './transform/kubeapi-transformer.js';
import { kubeApiPlugin } from './plugin.js';

describe('kubeApiPlugin', () => {
  it('is a collector plugin whose schema validates its tapio.yaml section', () => {
    expect(isPluginDescriptor(kubeApiPlugin)).toBe(true);
    expect(kubeApiPlugin.kind).toBe('collector');
    expect(kubeApiPlugin.configSchema?.safeParse({ cluster: 'prod', kinds: ['Pod'] }).success).toBe(true);
    expect(kubeApiPlugin.configSchema?.safeParse({ watchTransport: 'carrier-pigeon' }).success).toBe(false);
  });

  it('registers the collector and provides its pod index as the KubeIndex, resolving kubeconfig against the config folder', async () => {
    const config = kubeApiPlugin.configSchema?.parse({ cluster: 'prod', kubeconfig: 'kube/config.yaml' });
    const contribution = await kubeApiPlugin.register({ deps: {}, config: config as NonNullable<typeof config>, logger: silentLogger, baseDir: '/etc/tapio' });
    const [collector] = contribution.collectors ?? [];
    expect(collector).toBeInstanceOf(KubeApiCollector);
    expect(collector?.id).toBe('kubeapi:prod');
    expect(contribution.provides).toEqual([{ token: KubeIndex, value: (collector as KubeApiCollector).index }]);
    await expect(collector?.start({ emit: async () => undefined })).rejects.toThrow('kubeconfig /etc/tapio/kube/config.yaml does not exist');
  });
});

describe('kubeApiPlugin transformers', () => {
  it('offers the kubeapi transformer whether or not the collector runs', async () => {
    const transformers = (await kubeApiPlugin.transformers?.({ limits: DEFAULT_CHANGE_LIMITS })) ?? [];
    expect(transformers.map((transformer) => transformer.constructor)).toEqual([KubeApiTransformer]);
    expect(kubeApiPlugin.provides).toEqual([KubeIndex]);
  });
});
