// The DNS collector's plugin entry (@tapio/collector-dns/plugin): the collector and its
// eBPF layer load only when the collector is registered.
import { definePlugin, KubeIndex, Metrics } from '@tapio/domain';
import { DnsCollectorConfig } from './collector/dns-config.js';

/**
 * The DNS collector as a plugin: DNS over UDP and TCP captured by cgroup skb eBPF
 * programs, failures / timeouts / slow answers attributed to pods; plus the transformer
 * for source `dns`.
 */
export const dnsCollectorPlugin = definePlugin({
  id: 'dns',
  kind: 'collector',
  description: 'DNS capture (eBPF cgroup skb): NXDOMAIN, SERVFAIL, REFUSED, timeouts and slow answers per pod',
  needs: { kubeIndex: KubeIndex, metrics: Metrics },
  configSchema: DnsCollectorConfig,
  transformers: async () => {
    const { DnsTransformer } = await import('./transform/dns-transformer.js');
    return [new DnsTransformer()];
  },
  register: async ({ deps, config, logger }) => {
    const { DnsCollector } = await import('./collector/dns-collector.js');
    return { collectors: [new DnsCollector(config, { kubeIndex: deps.kubeIndex, metrics: deps.metrics, logger })] };
  },
});
