import { token } from '@tapio/plugin-api';
import type { TopologyIndex } from './topology-index.js';

/**
 * The topology index a graph store keeps in this process (the memory graph). A graph
 * plugin that has one provides it; the correlation engine of the same process then keeps
 * that index current instead of a copy of its own, so the topology is held once.
 */
export type LiveTopology = TopologyIndex;
export const LiveTopology = token<LiveTopology>('LiveTopology');
