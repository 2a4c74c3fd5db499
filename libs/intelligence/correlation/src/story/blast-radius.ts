import { entityKey, parseEntityKey, podsReachedBy, type EntityRef } from '@tapio/domain';
import type { WorkingState } from '../state/working-state.js';
import { refOf } from './entity-refs.js';

/** What an incident's symptoms touch in the topology. */
export interface BlastRadius {
  /** The symptom entities, in the order they appeared. */
  symptomKeys: string[];
  /** The symptoms that are pods. */
  pods: string[];
  /** Owners of the symptoms (ReplicaSets, workloads), the root itself excluded. */
  owners: Set<string>;
  /** Services selecting a symptom. */
  services: Set<string>;
  /** Ingresses routing to those Services. */
  ingresses: Set<string>;
  /** Names of the nodes the pod symptoms run on, and of Node symptoms. */
  nodes: Set<string>;
}

/**
 * The topology answers a blast radius reads for each symptom. The engine gives its shared
 * lookups (engine/shared-lookups.ts): a symptom's owner chain and node are derived once while
 * the nodes they were read from are unchanged, so an incident that gains a symptom derives that
 * symptom's answers and finds the others' kept, instead of walking every symptom's owners again.
 * The working state answers the same (derived on every call).
 */
export type RadiusAnswers = Pick<WorkingState, 'ownerChain' | 'nodeNameOf' | 'neighbours'>;

export function blastRadius(answers: RadiusAnswers, symptomKeys: readonly string[], rootKey: string): BlastRadius {
  const pods: string[] = [];
  const owners = new Set<string>();
  const services = new Set<string>();
  const ingresses = new Set<string>();
  const nodes = new Set<string>();
  for (const key of symptomKeys) {
    // Each key parsed once: its kind decides both whether it is a pod and which node it names.
    const ref = parseEntityKey(key);
    if (ref?.kind === 'Pod') pods.push(key);
    for (const owner of answers.ownerChain(key)) owners.add(owner);
    for (const service of answers.neighbours(key, 'SELECTS', 'in')) services.add(service);
    const node = answers.nodeNameOf(key);
    if (node && ref?.kind === 'Pod') nodes.add(node);
    if (ref?.kind === 'Node') nodes.add(ref.name);
  }
  for (const service of services) for (const ingress of answers.neighbours(service, 'ROUTES_TO', 'in')) ingresses.add(ingress);
  owners.delete(rootKey);
  return { symptomKeys: [...symptomKeys], pods, owners, services, ingresses, nodes };
}

/** Every entity the incident affected: symptoms, their owners, Services, Ingresses and nodes (in the root's cluster). */
export function affectedEntities(state: WorkingState, radius: BlastRadius, rootRef: EntityRef, ref: (key: string) => EntityRef = (key) => refOf(key, state)): EntityRef[] {
  const nodeKeys = [...radius.nodes].map((node) => entityKey({ kind: 'Node', name: node, ...(rootRef.cluster ? { cluster: rootRef.cluster } : {}) }));
  const keys = new Set([...radius.symptomKeys, ...radius.owners, ...radius.services, ...radius.ingresses, ...nodeKeys]);
  return [...keys].map(ref);
}

/** How many live pods use the root when it is something pods mount or claim (a ConfigMap, Secret or claim); 0 otherwise. */
export function mountedByCount(state: WorkingState, rootKey: string, rootRef: EntityRef): number {
  return ['ConfigMap', 'Secret', 'PersistentVolumeClaim'].includes(rootRef.kind)
    ? podsReachedBy(state.topology, rootKey).length
    : 0;
}
