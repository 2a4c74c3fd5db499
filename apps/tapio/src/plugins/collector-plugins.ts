import type { PluginDescriptor } from '@tapio/domain';
import { seedSourcesPlugin } from '@tapio/pipeline/plugin';
import { kubeApiPlugin } from '@tapio/collector-kubeapi/plugin';
import { replayCollectorPlugin } from '@tapio/collector-replay/plugin';
import { kernelCollectorPlugin } from '@tapio/collector-kernel/plugin';
import { dnsCollectorPlugin } from '@tapio/collector-dns/plugin';
import { journalCollectorPlugin } from '@tapio/collector-journal/plugin';
import { criCollectorPlugin } from '@tapio/collector-cri/plugin';
import { etcdCollectorPlugin } from '@tapio/collector-etcd/plugin';
import { kubeletPlugin } from '@tapio/collector-kubelet/plugin';
import { cniPlugin } from '@tapio/collector-cni/plugin';

/**
 * The built-in collectors and seed-source transformers, in their place in BUILTIN_PLUGINS:
 * every built-in transformer comes from one of them. Kept apart so the transformer worker
 * (runtime/transform-worker) takes the same transformers, in the same order, without loading
 * the correlation engine, the buses or the graph stores.
 */
export const COLLECTOR_PLUGINS: readonly PluginDescriptor[] = [
  seedSourcesPlugin as PluginDescriptor,
  kubeApiPlugin as PluginDescriptor,
  replayCollectorPlugin as PluginDescriptor,
  kernelCollectorPlugin as PluginDescriptor,
  dnsCollectorPlugin as PluginDescriptor,
  journalCollectorPlugin as PluginDescriptor,
  criCollectorPlugin as PluginDescriptor,
  etcdCollectorPlugin as PluginDescriptor,
  kubeletPlugin as PluginDescriptor,
  cniPlugin as PluginDescriptor,
];
