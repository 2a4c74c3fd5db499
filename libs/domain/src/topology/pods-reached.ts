import { entityKeyKind } from '@tapio/plugin-api';
import type { TopologyRelationship } from '@tapio/plugin-api';
import type { TopologyIndex } from './topology-index.js';
import { WORKLOAD_KINDS } from './workload-kinds.js';

/** One step from a changed object towards the pods it reaches. */
export interface ReachHop {
  type: TopologyRelationship;
  direction: 'out' | 'in';
  /** Followed repeatedly (ownership: Deployment → ReplicaSet → Pod); only the Pods found count. */
  transitive?: boolean;
}

const OWNED: ReachHop = { type: 'OWNS', direction: 'out', transitive: true };

/**
 * Which pods a change to an object of each kind reaches (seed 000's impact analysis), as
 * paths over topology edges. The one statement of the rule: the embedded store walks it
 * in memory, the Neo4j store turns it into Cypher, the engine counts the pods a changed
 * ConfigMap, Secret or claim is mounted by. A kind missing here reaches no pod; a Pod
 * reaches itself (empty path).
 */
export const PODS_REACHED: Readonly<Record<string, readonly ReachHop[]>> = {
  Pod: [],
  ConfigMap: [{ type: 'MOUNTS', direction: 'in' }],
  Secret: [{ type: 'USES_SECRET', direction: 'in' }],
  PersistentVolumeClaim: [{ type: 'CLAIMS', direction: 'in' }],
  PersistentVolume: [
    { type: 'BOUND_TO', direction: 'in' },
    { type: 'CLAIMS', direction: 'in' },
  ],
  Service: [{ type: 'SELECTS', direction: 'out' }],
  Node: [{ type: 'RUNS_ON', direction: 'in' }],
  Ingress: [
    { type: 'ROUTES_TO', direction: 'out' },
    { type: 'SELECTS', direction: 'out' },
  ],
  NetworkPolicy: [{ type: 'APPLIES_TO', direction: 'out' }],
  HorizontalPodAutoscaler: [{ type: 'SCALES', direction: 'out' }, OWNED],
  ...Object.fromEntries([...WORKLOAD_KINDS].map((kind) => [kind, [OWNED]])),
};

/** The path of a kind, or undefined when a change to it reaches no pod. */
export function reachPath(kind: string): readonly ReachHop[] | undefined {
  return Object.hasOwn(PODS_REACHED, kind) ? PODS_REACHED[kind] : undefined;
}

function step(topology: TopologyIndex, key: string, hop: ReachHop): readonly string[] {
  const next = (from: string) => (hop.direction === 'out' ? topology.out(from, hop.type) : topology.in(from, hop.type));
  if (!hop.transitive) return next(key);
  // Breadth first, each object once: ownership has no cycles, but a corrupt graph must not loop.
  const found: string[] = [];
  const seen = new Set([key]);
  const queue = [key];
  while (queue.length) {
    for (const other of next(queue.shift() as string)) {
      if (seen.has(other)) continue;
      seen.add(other);
      found.push(other);
      queue.push(other);
    }
  }
  return found;
}

function kindOf(topology: TopologyIndex, key: string): string | undefined {
  return topology.node(key)?.ref.kind ?? entityKeyKind(key);
}

/**
 * The live (not deleted) pods a change to `key` reaches, each once, in the order the
 * walk finds them.
 */
export function podsReachedBy(topology: TopologyIndex, key: string): string[] {
  const kind = kindOf(topology, key);
  const path = kind === undefined ? undefined : reachPath(kind);
  if (!path) return [];
  let frontier: string[] = [key];
  for (const hop of path) {
    const next = new Set<string>();
    for (const from of frontier) for (const to of step(topology, from, hop)) if (!hop.transitive || kindOf(topology, to) === 'Pod') next.add(to);
    frontier = [...next];
  }
  return frontier.filter((pod) => !topology.node(pod)?.deleted);
}
