import { entityKey, parseEntityKey, type EntityRef, type K8sObjectFacts, type ResourceNode } from '@tapio/domain';
import { optionalDateTime, optionalInteger, toDateTime } from './temporal.js';

/** "Kind/namespace/name": the key without its cluster, for references that name no cluster. */
export function clusterlessKey(ref: Pick<EntityRef, 'kind' | 'name' | 'namespace'>): string {
  return entityKey({ ...ref, cluster: '*' }).slice(2);
}

function restartCount(facts: K8sObjectFacts | undefined): number | undefined {
  if (!facts?.containers?.length) return undefined;
  return facts.containers.reduce((sum, container) => sum + (container.restartCount ?? 0), 0);
}

/**
 * Properties of a resource node. `ref_json` / `facts_json` keep the exact domain values
 * (maps cannot be properties); the flat ones exist for Cypher and Neo4j Browser users.
 */
export function resourceProperties(node: ResourceNode, stub: boolean): Record<string, unknown> {
  const { ref, facts } = node;
  return {
    key: node.key,
    ckey: clusterlessKey(ref),
    kind: ref.kind,
    name: ref.name,
    namespace: ref.namespace ?? null,
    cluster: ref.cluster ?? parseEntityKey(node.key)?.cluster ?? null,
    uid: ref.uid ?? facts?.uid ?? null,
    deleted: node.deleted,
    stub,
    updated_at: toDateTime(node.updatedAt),
    updated_at_text: node.updatedAt,
    ref_json: JSON.stringify(ref),
    facts_json: facts ? JSON.stringify(facts) : null,
    labels: facts?.labels ? Object.entries(facts.labels).map(([label, value]) => `${label}=${value}`).sort() : null,
    phase: facts?.phase ?? null,
    ready: facts?.ready ?? null,
    node: facts?.nodeName ?? null,
    restart_count: optionalInteger(restartCount(facts)),
    type: facts?.serviceType ?? null,
    replicas: optionalInteger(facts?.replicas),
    ready_replicas: optionalInteger(facts?.readyReplicas),
    endpoint_count: optionalInteger(facts?.readyEndpoints),
    generation: optionalInteger(facts?.generation),
    version: facts?.resourceVersion ?? null,
    content_hash: facts?.contentHash ?? null,
    data_keys: facts?.dataKeys ?? null,
    created_at: optionalDateTime(facts?.creationTimestamp),
  };
}

/** A node known only by reference (an event about it, an edge to it). */
export function stubNode(key: string, at: string, ref?: EntityRef): ResourceNode | undefined {
  const resolved = ref ?? parseEntityKey(key);
  return resolved ? { key, ref: resolved, deleted: false, updatedAt: at } : undefined;
}

export interface ResourceRecord {
  key: string;
  ref_json: string | null;
  facts_json: string | null;
  deleted: boolean | null;
  updated_at_text: string;
}

export function decodeResource(record: ResourceRecord): ResourceNode {
  const ref = record.ref_json ? (JSON.parse(record.ref_json) as EntityRef) : (parseEntityKey(record.key) ?? { kind: 'Unknown', name: record.key });
  const node: ResourceNode = { key: record.key, ref, deleted: record.deleted === true, updatedAt: record.updated_at_text };
  if (record.facts_json) node.facts = JSON.parse(record.facts_json) as K8sObjectFacts;
  return node;
}

/** The Cypher projection that yields a ResourceRecord from a node variable. */
export function resourceProjection(variable: string): string {
  return `{key: ${variable}.key, ref_json: ${variable}.ref_json, facts_json: ${variable}.facts_json, deleted: ${variable}.deleted, updated_at_text: ${variable}.updated_at_text}`;
}
