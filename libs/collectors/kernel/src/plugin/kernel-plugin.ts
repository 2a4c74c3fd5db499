import { definePlugin, KubeIndex, Metrics } from '@tapio/domain';
import { KernelCollector } from '../collector/kernel-collector.js';
import { KernelCollectorConfig } from '../collector/kernel-config.js';
import { KernelTransformer } from '../transform/kernel-transformer.js';

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
  register: ({ deps, config, logger }) => ({
    collectors: [new KernelCollector(config, { kubeIndex: deps.kubeIndex, metrics: deps.metrics, logger })],
    transformers: [new KernelTransformer()],
  }),
});
