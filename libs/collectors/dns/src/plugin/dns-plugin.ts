import { definePlugin, KubeIndex, Metrics } from '@tapio/domain';
import { DnsCollector } from '../collector/dns-collector.js';
import { DnsCollectorConfig } from '../collector/dns-config.js';
import { DnsTransformer } from '../transform/dns-transformer.js';

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
  register: ({ deps, config, logger }) => ({
    collectors: [new DnsCollector(config, { kubeIndex: deps.kubeIndex, metrics: deps.metrics, logger })],
    transformers: [new DnsTransformer()],
  }),
});
