import { entityKey, entityKeyKind, parseEntityKey, type CorrelationState, type EntityRelation } from '@tapio/domain';
import { authorizes } from './authorizes.js';
import { governs } from './governs.js';

/** What relation checks read: topology lookups only, so any CorrelationState can answer them. */
type TopologyView = Pick<CorrelationState, 'resource' | 'ownerChain' | 'rootOwner' | 'neighbours' | 'nodeNameOf'>;

const DEPENDENCY_KINDS: Record<string, 'configMaps' | 'secrets' | 'persistentVolumeClaims'> = {
  ConfigMap: 'configMaps',
  Secret: 'secrets',
  PersistentVolumeClaim: 'persistentVolumeClaims',
};

/**
 * Whether `user` (a Pod, or a workload through its pod template) uses `dependency`
 * (a ConfigMap, Secret or PVC): directly, or through any owner's template.
 */
export function usesDependency(state: TopologyView, user: string, dependency: string): boolean {
  const ref = parseEntityKey(dependency);
  const field = ref ? DEPENDENCY_KINDS[ref.kind] : undefined;
  if (!ref || !field) return false;
  for (const key of [user, ...state.ownerChain(user)]) {
    const facts = state.resource(key)?.facts;
    if (facts?.[field]?.includes(ref.name) && (facts.namespace ?? null) === (ref.namespace ?? null)) return true;
  }
  return false;
}

/** ConfigMaps, Secrets and PVCs a pod or workload uses (its own and its owners' templates). */
export function dependenciesOf(state: TopologyView, user: string): string[] {
  const result = new Set<string>();
  for (const key of [user, ...state.ownerChain(user)]) {
    const node = state.resource(key);
    const facts = node?.facts;
    if (!facts) continue;
    const cluster = node.ref.cluster;
    const add = (kind: string, names: readonly string[] | undefined) => {
      for (const name of names ?? []) result.add(entityKey({ kind, name, namespace: facts.namespace ?? null, ...(cluster ? { cluster } : {}) }));
    };
    add('ConfigMap', facts.configMaps);
    add('Secret', facts.secrets);
    add('PersistentVolumeClaim', facts.persistentVolumeClaims);
  }
  return [...result];
}

const SELECTED_WORKLOADS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

function selects(state: TopologyView, service: string, target: string): boolean {
  const pods = state.neighbours(service, 'SELECTS', 'out');
  if (pods.includes(target)) return true;
  if (pods.some((pod) => state.ownerChain(pod).includes(target))) return true;
  return SELECTED_WORKLOADS.has(entityKeyKind(target) ?? '') && entityKeyKind(service) === 'Service' && workloadBehind(state, service, target);
}

/**
 * Whether a workload's pods, present or not, are a Service's: same namespace, and its pod
 * selector pins every label the Service selects on to the same value. Read from facts, so it
 * still holds for a workload just deleted (its node keeps its facts, not its edges) or scaled
 * to zero, whose emptied Service is the trouble it caused.
 */
export function workloadBehind(state: Pick<CorrelationState, 'resource'>, service: string, workload: string): boolean {
  const selector = state.resource(service)?.facts?.serviceSelector ?? {};
  const labels = state.resource(workload)?.facts?.selector?.matchLabels ?? {};
  const keys = Object.keys(selector);
  return keys.length > 0 && parseEntityKey(service)?.namespace === parseEntityKey(workload)?.namespace && keys.every((key) => labels[key] === selector[key]);
}

function sameOwner(state: TopologyView, a: string, b: string): boolean {
  if (a === b) return true;
  const rootA = state.rootOwner(a);
  const rootB = state.rootOwner(b);
  return rootA === rootB || state.ownerChain(b).includes(a) || state.ownerChain(a).includes(b);
}

function sameNode(state: TopologyView, a: string, b: string): boolean {
  const nodeA = state.nodeNameOf(a);
  return nodeA !== undefined && nodeA === state.nodeNameOf(b);
}

/**
 * How two entities relate, for pattern sequences ("A then B on related entities")
 * and correlators. `related` is any of: same entity or owner family, one uses the
 * other (mounts / secret / claim), a Service selects the other, same node when one
 * of them is a Node.
 */
export function related(state: TopologyView, a: string | undefined, b: string | undefined, relation: EntityRelation): boolean {
  if (relation === 'any') return true;
  if (a === undefined || b === undefined) return false;
  switch (relation) {
    case 'same_entity':
      return a === b;
    case 'same_owner':
      return sameOwner(state, a, b);
    case 'mounts':
      return usesDependency(state, b, a) || usesDependency(state, a, b);
    case 'selects':
      return selects(state, a, b) || selects(state, b, a);
    case 'same_node':
      return sameNode(state, a, b);
    case 'same_node_other_owner':
      return sameNode(state, a, b) && !sameOwner(state, a, b);
    case 'governs':
      return governs(state, a, b) || governs(state, b, a);
    case 'authorizes':
      return authorizes(state, a, b) || authorizes(state, b, a);
    case 'same_namespace':
      return parseEntityKey(a)?.namespace === parseEntityKey(b)?.namespace && parseEntityKey(a)?.namespace != null;
    case 'related': {
      if (sameOwner(state, a, b)) return true;
      if (usesDependency(state, b, a) || usesDependency(state, a, b)) return true;
      if (selects(state, a, b) || selects(state, b, a)) return true;
      const kindA = entityKeyKind(a);
      const kindB = entityKeyKind(b);
      return (kindA === 'Node' || kindB === 'Node') && sameNode(state, a, b);
    }
  }
}
