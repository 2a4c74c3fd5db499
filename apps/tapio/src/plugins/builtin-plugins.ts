import type { PluginDescriptor } from '@tapio/domain';
import { replayCollectorPlugin } from '@tapio/collector-replay';

/**
 * Tapio's built-in plugins, one line each. Adding a collector or correlator means
 * adding its descriptor here; third-party plugins come from tapio.yaml `plugins:`.
 */
export const BUILTIN_PLUGINS: readonly PluginDescriptor[] = [
  replayCollectorPlugin as PluginDescriptor,
];
