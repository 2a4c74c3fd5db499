// The kernel collector's plugin entry (@tapio/collector-kernel/plugin): the collector and
// its eBPF layer load only when the collector is registered.
import { definePlugin, KubeIndex, Metrics } from '@tapio/domain';
import { KernelCollectorConfig } from './collector/kernel-config.js';

/**
 * The kernel eBPF collector as a plugin: OOM kills, crashes, exits, TCP connect
 * failures, resets and retransmissions from tracepoints, attributed to pods through the
 * KubeIndex port; plus the transformer for source `kernel`.
 */
export const kernelCollectorPlugin = definePlugin({
  id: 'kernel',
  kind: 'collector',
  description: 'Kernel eBPF probes (tracepoints): OOM kills, crashes, exits, TCP failures, attributed to pods',
  needs: { kubeIndex: KubeIndex, metrics: Metrics },
  configSchema: KernelCollectorConfig,
  transformers: async () => {
    const { KernelTransformer } = await import('./transform/kernel-transformer.js');
    return [new KernelTransformer()];
  },
  register: async ({ deps, config, logger }) => {
    const { KernelCollector } = await import('./collector/kernel-collector.js');
    return { collectors: [new KernelCollector(config, { kubeIndex: deps.kubeIndex, metrics: deps.metrics, logger })] };
  },
});
