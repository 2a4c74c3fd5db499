import { isPluginDescriptor, silentLogger, type KubeIndex, type Metrics } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { DnsCollector } from './collector/dns-collector.js';
import { DnsTransformer } from './transform/dns-transformer.js';
import { dnsCollectorPlugin } from './plugin.js';

const kubeIndex: KubeIndex = { podByContainerId: () => undefined, podByUid: () => undefined, podByIp: () => undefined, podsOnNode: () => [] };
const metric = { inc: () => undefined, set: () => undefined, observe: () => undefined };
const metrics: Metrics = { counter: () => metric, gauge: () => metric, histogram: () => metric, beforeScrape: () => undefined, render: async () => ({ contentType: 'text/plain', text: '' }) };

describe('dnsCollectorPlugin', () => {
  it('is a collector plugin contributing the DNS collector and the dns transformer', async () => {
    expect(isPluginDescriptor(dnsCollectorPlugin)).toBe(true);
    const config = dnsCollectorPlugin.configSchema?.parse({ ports: [53, 5353] }) as never;
    const contribution = await dnsCollectorPlugin.register({ deps: { kubeIndex, metrics }, config, logger: silentLogger, baseDir: '.' });
    expect(contribution.collectors?.[0]).toBeInstanceOf(DnsCollector);
    expect(contribution.collectors?.[0]?.source).toBe('dns');
    expect((await dnsCollectorPlugin.transformers?.())?.[0]).toBeInstanceOf(DnsTransformer);
  });

  it('rejects more than 8 ports and unknown settings', () => {
    expect(dnsCollectorPlugin.configSchema?.safeParse({ ports: [1, 2, 3, 4, 5, 6, 7, 8, 9] }).success).toBe(false);
    expect(dnsCollectorPlugin.configSchema?.safeParse({ timeout: 5 }).success).toBe(false);
  });
});
