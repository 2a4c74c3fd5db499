import type { PluginDescriptor } from '@tapio/domain';
import { COLLECTOR_PLUGINS } from './collector-plugins.js';
import { embeddedBusPlugin, memoryGraphPlugin } from '@tapio/embedded/plugin';
import { natsBusPlugin } from '@tapio/nats/plugin';
import { neo4jGraphPlugin } from '@tapio/neo4j/plugin';
import {
  dependencyCorrelatorPlugin,
  serviceDependencyCorrelatorPlugin,
  ownershipCorrelatorPlugin,
  performanceCorrelatorPlugin,
  sequenceCorrelatorPlugin,
  temporalCorrelatorPlugin,
} from '@tapio/correlation';
import { alertmanagerSinkPlugin, slackSinkPlugin, webhookSinkPlugin } from '@tapio/sinks/plugin';

/**
 * Tapio's built-in plugins, one line each: buses, graph stores, transformers,
 * collectors, correlators and sinks. Adding one means adding its descriptor here; third-party
 * plugins come from tapio.yaml `plugins:`. Each comes from its package's light plugin
 * entry, which loads the heavy libraries only when the plugin is registered.
 */
export const BUILTIN_PLUGINS: readonly PluginDescriptor[] = [
  embeddedBusPlugin as PluginDescriptor,
  natsBusPlugin as PluginDescriptor,
  memoryGraphPlugin as PluginDescriptor,
  neo4jGraphPlugin as PluginDescriptor,
  ...COLLECTOR_PLUGINS,
  temporalCorrelatorPlugin as PluginDescriptor,
  sequenceCorrelatorPlugin as PluginDescriptor,
  dependencyCorrelatorPlugin as PluginDescriptor,
  serviceDependencyCorrelatorPlugin as PluginDescriptor,
  ownershipCorrelatorPlugin as PluginDescriptor,
  performanceCorrelatorPlugin as PluginDescriptor,
  webhookSinkPlugin as PluginDescriptor,
  slackSinkPlugin as PluginDescriptor,
  alertmanagerSinkPlugin as PluginDescriptor,
];
