import { entityKeyKind, type TopologyIndex } from '@tapio/domain';
import type { DependencyTopology } from './dependency-model.js';

/** What the dependency model reads of the working state's topology: owners, selections, what pods and their ConfigMaps call. */
export function dependencyTopologyOf(topology: TopologyIndex): DependencyTopology {
  return {
    has: (key) => topology.has(key),
    rootOwner: (key) => topology.rootOwner(key),
    servicesOf: (pod) => [...topology.in(pod, 'SELECTS')],
    callsOf: (pod) => topology.node(pod)?.facts?.calls ?? [],
    ownAddresses: (pod) => {
      const facts = topology.node(pod)?.facts;
      return [...(facts?.podIP ? [facts.podIP] : []), ...(facts?.podIPs ?? [])];
    },
    configCallsOf: (pod) => {
      const found: Array<{ configMap: string; calls: readonly string[] }> = [];
      for (const configMap of topology.out(pod, 'MOUNTS')) {
        const calls = topology.node(configMap)?.facts?.calls;
        if (calls?.length && entityKeyKind(configMap) === 'ConfigMap') found.push({ configMap, calls });
      }
      return found;
    },
    podsUsing: (configMap) => [...topology.in(configMap, 'MOUNTS')],
  };
}
