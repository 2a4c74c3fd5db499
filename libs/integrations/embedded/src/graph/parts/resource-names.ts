import { entityKey, parseEntityKey, type EntityRef, type TopologyIndex } from '@tapio/domain';

/** "kind/namespace/name" without the cluster, for lookups by callers that don't name one. */
function clusterlessKey(ref: Pick<EntityRef, 'kind' | 'name' | 'namespace'>): string {
  return entityKey({ ...ref, cluster: '*' }).slice(2);
}

/**
 * Resolves the references API callers use to node keys: exact when a reference names
 * its cluster, every cluster's node otherwise. Also creates the nodes of entities only
 * known by reference (an event about them, an edge to them).
 */
export class ResourceNames {
  private readonly clusterless = new Map<string, Set<string>>();
  /** Keys already looked up by name (a key always names the same kind/namespace/name). */
  private readonly indexed = new Set<string>();

  constructor(readonly topology: TopologyIndex) {
    // A deleted object the topology forgot is forgotten here too: pods come and go under new names.
    topology.onForget((node) => this.forget(node.key, node.ref));
  }

  /** Keys indexed by name (for memory accounting). */
  get size(): number {
    return this.indexed.size;
  }

  private forget(key: string, ref: EntityRef): void {
    if (!this.indexed.delete(key)) return;
    const id = clusterlessKey(ref);
    const keys = this.clusterless.get(id);
    keys?.delete(key);
    if (keys?.size === 0) this.clusterless.delete(id);
  }

  index(key: string, ref: EntityRef): void {
    if (this.indexed.has(key)) return;
    this.indexed.add(key);
    const id = clusterlessKey(ref);
    let keys = this.clusterless.get(id);
    if (!keys) this.clusterless.set(id, (keys = new Set()));
    keys.add(key);
  }

  ensureNode(key: string, at: string, ref?: EntityRef): void {
    if (this.indexed.has(key)) return;
    // A shared index may already hold the node (the engine saw the event first): name it here all the same.
    const resolved = this.topology.node(key)?.ref ?? ref ?? parseEntityKey(key);
    if (!resolved) return;
    if (!this.topology.has(key)) this.topology.ensure({ key, ref: resolved, deleted: false, updatedAt: at });
    this.index(key, resolved);
  }

  keysFor(ref: EntityRef): string[] {
    if (ref.cluster) return [entityKey(ref)];
    return [...(this.clusterless.get(clusterlessKey(ref)) ?? [])].sort();
  }

  refOf(key: string): EntityRef {
    const node = this.topology.node(key);
    if (node) return node.ref;
    return parseEntityKey(key) ?? { kind: 'Unknown', name: key };
  }
}
