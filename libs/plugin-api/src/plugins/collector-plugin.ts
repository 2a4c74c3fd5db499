import type { Collector, RawEventTransformer } from '../ports/collector.js';
import { definePlugin, type Needs, type PluginContext, type PluginDescriptor } from './plugin-descriptor.js';
import type { z } from 'zod';

export interface CollectorPluginSpec<N extends Needs, C> {
  id: string;
  description: string;
  needs: N;
  configSchema: z.ZodType<C>;
  /** The transformer of the collector's source; import its module inside, so the entry stays light. */
  transformer: () => Promise<RawEventTransformer>;
  /** The collector, built from its section of tapio.yaml; import its module inside. */
  collector: (context: PluginContext<N, C>) => Promise<Collector>;
}

/**
 * The entry shape a collector with one source repeats (kubelet, etcd, CNI): kind `collector`,
 * one transformer, one collector, both loaded only when asked for, so `tapio analyze` and the
 * other commands never load what they do not run.
 */
export function defineCollectorPlugin<N extends Needs, C>(spec: CollectorPluginSpec<N, C>): PluginDescriptor<N, C> {
  return definePlugin<N, C>({
    id: spec.id,
    kind: 'collector',
    description: spec.description,
    needs: spec.needs,
    configSchema: spec.configSchema,
    transformers: async () => [await spec.transformer()],
    register: async (context) => ({ collectors: [await spec.collector(context)] }),
  });
}
