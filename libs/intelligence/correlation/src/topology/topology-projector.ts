import {
  entityKey,
  type EntityRef,
  type EdgeSet,
  type K8sObjectFacts,
  type LabelSelector,
  type ResourceNode,
  type TopologyChange,
  type TopologyEdge,
  type UnifiedEvent,
} from '@tapio/domain';
import { matchesSelector, matchesServiceSelector } from './label-selector.js';

interface NamespaceState {
  pods: Map<string, Record<string, string>>;
  services: Map<string, Record<string, string>>;
  policies: Map<string, LabelSelector>;
  /** Bumped whenever a Service or NetworkPolicy selector of the namespace is set or removed. */
  selectorsGeneration: number;
  /** Per pod: the Services and NetworkPolicies its labels matched, and against which labels and selectors. */
  selectedBy: Map<string, Selections>;
}

/**
 * What a pod's labels matched (Service and NetworkPolicy keys, in the namespace's order). Most
 * pod versions are status updates with the labels unchanged: they take these instead of matching
 * the labels against every selector of the namespace again.
 */
interface Selections {
  labels: Record<string, string> | undefined;
  generation: number;
  services: string[];
  policies: string[];
}

/** Label sets equal key for key (label values are strings, and their order does not matter to a selector). */
function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

/**
 * Sets a Service or NetworkPolicy selector of the namespace (removes it when `selector` is
 * undefined). Every change goes through here, so every pod's selections are matched again after it.
 */
function setSelector<S>(state: NamespaceState, selectors: Map<string, S>, name: string, selector: S | undefined): void {
  if (selector === undefined) selectors.delete(name);
  else selectors.set(name, selector);
  state.selectorsGeneration += 1;
}

const POD_EDGE_SETS: EdgeSet[] = [
  { type: 'OWNS', direction: 'in' },
  { type: 'RUNS_ON', direction: 'out' },
  { type: 'MOUNTS', direction: 'out' },
  { type: 'USES_SECRET', direction: 'out' },
  { type: 'CLAIMS', direction: 'out' },
  { type: 'RUNS_AS', direction: 'out' },
  { type: 'SELECTS', direction: 'in' },
  { type: 'APPLIES_TO', direction: 'in' },
];

/**
 * Keeps the topology current from the Kubernetes API collector's lifecycle events:
 * each event carrying object facts becomes a TopologyChange that sets the node and
 * the edges it defines. Label selectors are evaluated here and re-evaluated when a
 * pod's labels or a Service / NetworkPolicy selector change, so SELECTS and
 * APPLIES_TO never go stale. Events without facts (derived signals) change nothing.
 */
export class TopologyProjector {
  private readonly namespaces = new Map<string, NamespaceState>();

  project(event: UnifiedEvent): TopologyChange[] {
    const facts = event.kubernetes?.object;
    const watchType = event.kubernetes?.watchType;
    if (!facts || !watchType) return [];
    const cluster = event.entity?.cluster ?? event.k8sContext?.cluster;
    const ref = this.refOf(facts, cluster);
    const key = entityKey(ref);
    if (watchType === 'DELETED') return this.deleted(facts, ref, key, event.timestamp);
    return this.upserted(facts, ref, key, event.timestamp);
  }

  /**
   * Learns the labels and selectors of a stored resource without producing changes (its
   * edges come with it), so that later changes select against the whole namespace.
   */
  remember(node: ResourceNode): void {
    const facts = node.facts;
    const namespace = facts?.namespace ?? undefined;
    if (!facts || node.deleted || !namespace) return;
    const state = this.state(node.ref.cluster, namespace);
    if (facts.kind === 'Pod') state.pods.set(facts.name, facts.labels ?? {});
    if (facts.kind === 'Service') setSelector(state, state.services, facts.name, facts.serviceSelector ?? {});
    if (facts.kind === 'NetworkPolicy') setSelector(state, state.policies, facts.name, facts.selector ?? {});
  }

  private refOf(facts: K8sObjectFacts, cluster: string | undefined): EntityRef {
    return {
      kind: facts.kind,
      name: facts.name,
      ...(facts.namespace ? { namespace: facts.namespace } : {}),
      ...(cluster ? { cluster } : {}),
      ...(facts.uid ? { uid: facts.uid } : {}),
    };
  }

  private keyIn(ref: EntityRef, kind: string, name: string, namespace = ref.namespace): string {
    return entityKey({ kind, name, namespace: namespace ?? null, ...(ref.cluster ? { cluster: ref.cluster } : {}) });
  }

  private state(cluster: string | undefined, namespace: string): NamespaceState {
    const id = `${cluster ?? ''}/${namespace}`;
    let state = this.namespaces.get(id);
    if (!state) this.namespaces.set(id, (state = { pods: new Map(), services: new Map(), policies: new Map(), selectorsGeneration: 0, selectedBy: new Map() }));
    return state;
  }

  private upserted(facts: K8sObjectFacts, ref: EntityRef, key: string, at: string): TopologyChange[] {
    const node = { key, ref, facts, deleted: false, updatedAt: at };
    const edges: TopologyEdge[] = [];
    const replace: EdgeSet[] = [{ type: 'OWNS', direction: 'in' }];
    for (const owner of facts.ownerReferences ?? []) edges.push({ type: 'OWNS', from: this.keyIn(ref, owner.kind, owner.name), to: key });
    const namespace = facts.namespace ?? undefined;

    switch (facts.kind) {
      case 'Pod': {
        replace.splice(0, replace.length, ...POD_EDGE_SETS);
        if (facts.nodeName) edges.push({ type: 'RUNS_ON', from: key, to: this.keyIn(ref, 'Node', facts.nodeName, null) });
        for (const name of facts.configMaps ?? []) edges.push({ type: 'MOUNTS', from: key, to: this.keyIn(ref, 'ConfigMap', name) });
        for (const name of facts.secrets ?? []) edges.push({ type: 'USES_SECRET', from: key, to: this.keyIn(ref, 'Secret', name) });
        for (const name of facts.persistentVolumeClaims ?? []) edges.push({ type: 'CLAIMS', from: key, to: this.keyIn(ref, 'PersistentVolumeClaim', name) });
        if (facts.serviceAccountName) edges.push({ type: 'RUNS_AS', from: key, to: this.keyIn(ref, 'ServiceAccount', facts.serviceAccountName) });
        if (namespace) {
          const state = this.state(ref.cluster, namespace);
          state.pods.set(facts.name, facts.labels ?? {});
          const selections = this.selectionsOf(state, ref, facts);
          for (const service of selections.services) edges.push({ type: 'SELECTS', from: service, to: key });
          for (const policy of selections.policies) edges.push({ type: 'APPLIES_TO', from: policy, to: key });
        }
        break;
      }
      case 'Service': {
        replace.push({ type: 'SELECTS', direction: 'out' });
        if (namespace) {
          const state = this.state(ref.cluster, namespace);
          const selector = facts.serviceSelector ?? {};
          setSelector(state, state.services, facts.name, selector);
          for (const [pod, labels] of state.pods) {
            if (matchesServiceSelector(labels, selector)) edges.push({ type: 'SELECTS', from: key, to: this.keyIn(ref, 'Pod', pod) });
          }
        }
        break;
      }
      case 'NetworkPolicy': {
        replace.push({ type: 'APPLIES_TO', direction: 'out' });
        if (namespace) {
          const state = this.state(ref.cluster, namespace);
          const selector = facts.selector ?? {};
          setSelector(state, state.policies, facts.name, selector);
          for (const [pod, labels] of state.pods) {
            if (matchesSelector(labels, selector)) edges.push({ type: 'APPLIES_TO', from: key, to: this.keyIn(ref, 'Pod', pod) });
          }
        }
        break;
      }
      case 'Ingress':
        replace.push({ type: 'ROUTES_TO', direction: 'out' });
        for (const service of facts.services ?? []) edges.push({ type: 'ROUTES_TO', from: key, to: this.keyIn(ref, 'Service', service) });
        break;
      case 'PersistentVolumeClaim':
        replace.push({ type: 'BOUND_TO', direction: 'out' });
        if (facts.volumeName) edges.push({ type: 'BOUND_TO', from: key, to: this.keyIn(ref, 'PersistentVolume', facts.volumeName, null) });
        break;
      case 'RoleBinding':
      case 'ClusterRoleBinding':
        replace.push({ type: 'BINDS', direction: 'out' }, { type: 'GRANTS', direction: 'out' });
        // A RoleBinding's Role is in its own namespace; a ClusterRole has none.
        if (facts.roleRef) edges.push({ type: 'BINDS', from: key, to: this.keyIn(ref, facts.roleRef.kind, facts.roleRef.name, facts.roleRef.kind === 'Role' ? namespace : null) });
        for (const subject of facts.subjects ?? []) {
          const account = /^ServiceAccount:([^/]+)\/(.+)$/.exec(subject);
          if (account) edges.push({ type: 'GRANTS', from: key, to: this.keyIn(ref, 'ServiceAccount', account[2] as string, account[1] as string) });
        }
        break;
      case 'HorizontalPodAutoscaler':
        replace.push({ type: 'SCALES', direction: 'out' });
        if (facts.scaleTarget) edges.push({ type: 'SCALES', from: key, to: this.keyIn(ref, facts.scaleTarget.kind, facts.scaleTarget.name) });
        break;
      default:
        break;
    }
    return [{ op: 'upsert', node, replace, edges }];
  }

  /** The Services and NetworkPolicies a pod's labels match: as last time when neither its labels nor the namespace's selectors changed. */
  private selectionsOf(state: NamespaceState, ref: EntityRef, facts: K8sObjectFacts): Selections {
    const last = state.selectedBy.get(facts.name);
    if (last && last.generation === state.selectorsGeneration && sameLabels(last.labels, facts.labels)) return last;
    const selections: Selections = { labels: facts.labels, generation: state.selectorsGeneration, services: [], policies: [] };
    for (const [service, selector] of state.services) if (matchesServiceSelector(facts.labels, selector)) selections.services.push(this.keyIn(ref, 'Service', service));
    for (const [policy, selector] of state.policies) if (matchesSelector(facts.labels, selector)) selections.policies.push(this.keyIn(ref, 'NetworkPolicy', policy));
    state.selectedBy.set(facts.name, selections);
    return selections;
  }

  private deleted(facts: K8sObjectFacts, ref: EntityRef, key: string, at: string): TopologyChange[] {
    const namespace = facts.namespace ?? undefined;
    if (namespace) {
      const state = this.state(ref.cluster, namespace);
      if (facts.kind === 'Pod') {
        state.pods.delete(facts.name);
        state.selectedBy.delete(facts.name);
      }
      if (facts.kind === 'Service') setSelector(state, state.services, facts.name, undefined);
      if (facts.kind === 'NetworkPolicy') setSelector(state, state.policies, facts.name, undefined);
    }
    return [{ op: 'delete', key, at }];
  }
}
