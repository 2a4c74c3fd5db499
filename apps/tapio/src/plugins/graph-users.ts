import { GRAPH_STORE_PORTS, LiveTopology, type PluginDescriptor, type Token } from '@tapio/domain';

/** The ports a graph store plugin provides its store under, and the memory graph's topology index. */
const GRAPH_PORTS: ReadonlySet<Token<unknown>> = new Set<Token<unknown>>([...GRAPH_STORE_PORTS, LiveTopology]);

/**
 * The running plugins, graph stores aside, that need a graph port: they may read (or write)
 * the graph while a command runs, so a command that needs no graph of its own keeps it for them.
 */
export function graphUsers(descriptors: readonly PluginDescriptor[], active: readonly string[]): string[] {
  const running = new Set(active);
  return descriptors
    .filter((descriptor) => descriptor.kind !== 'graph' && running.has(descriptor.id))
    .filter((descriptor) => Object.values(descriptor.needs).some((token) => GRAPH_PORTS.has(token as Token<unknown>)))
    .map((descriptor) => descriptor.id);
}
