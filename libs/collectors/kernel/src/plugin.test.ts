import { isPluginDescriptor, silentLogger, type KubeIndex, type Metrics } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { KernelCollector } from './collector/kernel-collector.js';
import { KernelTransformer } from './transform/kernel-transformer.js';
import { kernelCollectorPlugin } from './plugin.js';

const kubeIndex: KubeIndex = { podByContainerId: () => undefined, podByUid: () => undefined, podByIp: () => undefined, podsOnNode: () => [] };
const metric = { inc: () => undefined, set: () => undefined, observe: () => undefined };
const metrics: Metrics = { counter: () => metric, gauge: () => metric, histogram: () => metric, beforeScrape: () => undefined, render: async () => ({ contentType: 'text/plain', text: '' }) };

describe('kernelCollectorPlugin', () => {
  it('is a collector plugin contributing the kernel collector and the kernel transformer', async () => {
    expect(isPluginDescriptor(kernelCollectorPlugin)).toBe(true);
    const config = kernelCollectorPlugin.configSchema?.parse({ captureExec: true }) as never;
    const contribution = await kernelCollectorPlugin.register({ deps: { kubeIndex, metrics }, config, logger: silentLogger, baseDir: '.' });
    expect(contribution.collectors?.[0]).toBeInstanceOf(KernelCollector);
    expect(contribution.collectors?.[0]?.source).toBe('kernel');
    expect((await kernelCollectorPlugin.transformers?.())?.[0]).toBeInstanceOf(KernelTransformer);
    expect(contribution.collectors?.[0]?.health().status).toBe('stopped');
  });

  it('rejects unknown and invalid settings', () => {
    expect(kernelCollectorPlugin.configSchema?.safeParse({ retransmitTreshold: 3 }).success).toBe(false);
    expect(kernelCollectorPlugin.configSchema?.safeParse({ fatalSignals: [0] }).success).toBe(false);
  });
});
