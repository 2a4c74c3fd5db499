import type { PluginDescriptor } from '@tapio/domain';
import { kubeApiPlugin } from '@tapio/collector-kubeapi';
import { replayCollectorPlugin } from '@tapio/collector-replay';
import { kernelCollectorPlugin } from '@tapio/collector-kernel';
import { criCollectorPlugin } from '@tapio/collector-cri';
import { dnsCollectorPlugin } from '@tapio/collector-dns';
import { etcdCollectorPlugin } from '@tapio/collector-etcd';
import { journalCollectorPlugin } from '@tapio/collector-journal';
import {
  dependencyCorrelatorPlugin,
  ownershipCorrelatorPlugin,
  performanceCorrelatorPlugin,
  sequenceCorrelatorPlugin,
  temporalCorrelatorPlugin,
} from '@tapio/correlation';
import { alertmanagerSinkPlugin, slackSinkPlugin, webhookSinkPlugin } from '@tapio/sinks';

/**
 * Tapio's built-in plugins, one line each. Adding a collector, correlator or sink means
 * adding its descriptor here; third-party plugins come from tapio.yaml `plugins:`.
 */
export const BUILTIN_PLUGINS: readonly PluginDescriptor[] = [
  kubeApiPlugin as PluginDescriptor,
  replayCollectorPlugin as PluginDescriptor,
  kernelCollectorPlugin as PluginDescriptor,
  dnsCollectorPlugin as PluginDescriptor,
  journalCollectorPlugin as PluginDescriptor,
  criCollectorPlugin as PluginDescriptor,
  etcdCollectorPlugin as PluginDescriptor,
  temporalCorrelatorPlugin as PluginDescriptor,
  sequenceCorrelatorPlugin as PluginDescriptor,
  dependencyCorrelatorPlugin as PluginDescriptor,
  ownershipCorrelatorPlugin as PluginDescriptor,
  performanceCorrelatorPlugin as PluginDescriptor,
  webhookSinkPlugin as PluginDescriptor,
  slackSinkPlugin as PluginDescriptor,
  alertmanagerSinkPlugin as PluginDescriptor,
];
