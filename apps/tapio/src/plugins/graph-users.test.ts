import { GraphReader, GraphStore, LiveTopology, Logger, type PluginDescriptor } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { graphUsers } from './graph-users.js';

const plugin = (id: string, kind: PluginDescriptor['kind'], needs: PluginDescriptor['needs']): PluginDescriptor => ({ id, kind, needs, register: async () => ({}) });

describe('graphUsers', () => {
  const descriptors = [
    plugin('memory', 'graph', { logger: Logger }),
    plugin('reader', 'sink', { logger: Logger, graph: GraphReader }),
    plugin('topology-watcher', 'correlator', { topology: LiveTopology }),
    plugin('store-user', 'collector', { store: GraphStore }),
    plugin('quiet', 'correlator', { logger: Logger }),
  ];

  it('names the running plugins that need a graph port, graph stores aside', () => {
    expect(graphUsers(descriptors, ['memory', 'reader', 'topology-watcher', 'store-user', 'quiet'])).toEqual(['reader', 'topology-watcher', 'store-user']);
  });

  it('leaves out plugins that are not running (not configured, or failed to register)', () => {
    expect(graphUsers(descriptors, ['memory', 'quiet', 'store-user'])).toEqual(['store-user']);
    expect(graphUsers(descriptors, ['memory', 'quiet'])).toEqual([]);
  });
});
