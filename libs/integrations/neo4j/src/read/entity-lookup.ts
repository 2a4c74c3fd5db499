import { entityKey, parseEntityKey, type EntityRef, type ResourceNode } from '@tapio/domain';
import type { ManagedTransaction } from 'neo4j-driver';
import { clusterlessKey, decodeResource, resourceProjection, type ResourceRecord } from '../codec/resource-codec.js';
import { rows } from './reader.js';

/**
 * Keys a reference names: exactly its key when it names a cluster, otherwise the key
 * in every cluster that has such a node (sorted), as an API caller usually names no cluster.
 */
export async function keysFor(tx: ManagedTransaction, ref: EntityRef): Promise<string[]> {
  if (ref.cluster) return [entityKey(ref)];
  const found = await rows<{ key: string }>(tx, 'MATCH (r:Resource {ckey: $ckey}) RETURN r.key AS key ORDER BY key', { ckey: clusterlessKey(ref) });
  return found.map((row) => row.key);
}

export async function nodesByKey(tx: ManagedTransaction, keys: string[]): Promise<Map<string, ResourceNode>> {
  if (!keys.length) return new Map();
  const found = await rows<{ node: ResourceRecord }>(tx, `UNWIND $keys AS key MATCH (r:Resource {key: key}) RETURN ${resourceProjection('r')} AS node`, { keys });
  return new Map(found.map(({ node }) => [node.key, decodeResource(node)]));
}

/** The reference a key stands for: the node's own when there is one, else parsed from the key. */
export function refOf(nodes: Map<string, ResourceNode>, key: string): EntityRef {
  return nodes.get(key)?.ref ?? parseEntityKey(key) ?? { kind: 'Unknown', name: key };
}
