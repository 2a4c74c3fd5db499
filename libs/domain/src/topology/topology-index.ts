import type { ResourceNode, TopologyChange, TopologyEdge, TopologyRelationship } from '@tapio/plugin-api';
import { edgeId, link, unlink, type Adjacency } from './adjacency.js';
import { sameEdgeSet } from './same-edge-set.js';
import { sameStructure } from './same-structure.js';

const EMPTY: readonly string[] = [];

/** How many node changes `changedSince` remembers. */
const RECENT_CHANGES = 8192;

/**
 * The current topology in memory: resource nodes and typed edges, indexed both ways.
 * Applying a TopologyChange is idempotent. Used by the correlation engine's working
 * state and by the embedded graph store (in `-mode all` with the memory graph they
 * share one instance, so the topology is held once).
 */
export class TopologyIndex {
  private readonly nodes = new Map<string, ResourceNode>();
  private readonly outgoing: Adjacency = new Map();
  private readonly incoming: Adjacency = new Map();
  private edgeCount = 0;
  /** Counts every edge added or removed, so a reader can cache what it derived from edges until they change. */
  private edgeChanges = 0;
  /** The keys of the latest node changes, a ring of RECENT_CHANGES; `nodeChanges` counts every one. */
  private readonly recent: string[] = [];
  private nodeChanges = 0;
  /** The evidence of inferred edges (DEPENDS_ON), by edge; edges read from objects have none. */
  private readonly evidence = new Map<string, string>();
  /** `rootOwner` answers while no OWNS edge changed (the hot path asks it several times per event). */
  private readonly rootOwners = new Map<string, string>();
  /** Deleted nodes' keys, oldest deletion first (a Map keeps insertion order). */
  private readonly deletedOrder = new Map<string, true>();
  /** Told of each deleted node forgotten beyond `maxDeleted`, so indexes built on the nodes forget it too. */
  private readonly forgetListeners: Array<(node: ResourceNode) => void> = [];

  /**
   * `maxDeleted`: deleted objects kept (so events about them still resolve); beyond it
   * the oldest deleted go, so a cluster that churns pods does not grow the topology forever.
   */
  constructor(private readonly maxDeleted = 50_000) {}

  apply(change: TopologyChange): void {
    if (change.op === 'delete') {
      this.remove(change.key, change.at);
      return;
    }
    const { node, replace, edges } = change;
    this.deletedOrder.delete(node.key);
    const previous = this.nodes.get(node.key);
    const next = node.deleted === false ? node : { ...node, deleted: false };
    this.nodes.set(node.key, next);
    // A status update (a pod's readiness) is not a change for `changedSince`: see sameStructure.
    if (!sameStructure(previous, next)) this.noteChanged(node.key);
    for (const { type, direction } of replace) this.replaceEdges(node.key, type, direction, edges);
  }

  /** Creates a node for an entity only known by reference (an event about it, an edge to it). */
  ensure(node: ResourceNode): void {
    if (this.nodes.has(node.key)) return;
    this.nodes.set(node.key, node);
    this.noteChanged(node.key);
  }

  node(key: string): ResourceNode | undefined {
    return this.nodes.get(key);
  }

  has(key: string): boolean {
    return this.nodes.has(key);
  }

  keys(): IterableIterator<string> {
    return this.nodes.keys();
  }

  values(): IterableIterator<ResourceNode> {
    return this.nodes.values();
  }

  get size(): number {
    return this.nodes.size;
  }

  get relationshipCount(): number {
    return this.edgeCount;
  }

  /** Changes whenever an edge is added or removed (not when a node's facts change: see `changedSince`). */
  get edgeVersion(): number {
    return this.edgeChanges;
  }

  /** Counts every node change `changedSince` names (each edge end added or removed too): pass it to `changedSince` later. */
  get nodeVersion(): number {
    return this.nodeChanges;
  }

  /**
   * The keys of the nodes created, removed or set with other than status facts (`sameStructure`),
   * or with an edge added or removed (both ends), since `nodeVersion` was `since`, so a reader
   * can keep what it derived from other nodes' structure and edges; undefined when more changed
   * than are remembered (then anything may have changed).
   */
  changedSince(since: number): string[] | undefined {
    if (this.nodeChanges - since > RECENT_CHANGES || since > this.nodeChanges) return undefined;
    const keys: string[] = [];
    for (let count = since; count < this.nodeChanges; count += 1) keys.push(this.recent[count % RECENT_CHANGES] as string);
    return keys;
  }

  private noteChanged(key: string): void {
    this.recent[this.nodeChanges % RECENT_CHANGES] = key;
    this.nodeChanges += 1;
  }

  out(key: string, type: TopologyRelationship): readonly string[] {
    const targets = this.outgoing.get(key)?.get(type);
    return targets ? [...targets] : EMPTY;
  }

  in(key: string, type: TopologyRelationship): readonly string[] {
    const sources = this.incoming.get(key)?.get(type);
    return sources ? [...sources] : EMPTY;
  }

  /** Every edge touching the key, both directions. */
  edgesOf(key: string): TopologyEdge[] {
    const edges: TopologyEdge[] = [];
    for (const [type, targets] of this.outgoing.get(key) ?? []) for (const to of targets) edges.push(this.edge(key, type, to));
    for (const [type, sources] of this.incoming.get(key) ?? []) for (const from of sources) edges.push(this.edge(from, type, key));
    return edges;
  }

  /** An edge with its evidence, when it has some (only inferred edges do: the lookup is skipped while none has). */
  private edge(from: string, type: TopologyRelationship, to: string): TopologyEdge {
    const evidence = this.evidence.size ? this.evidence.get(edgeId(from, type, to)) : undefined;
    return evidence === undefined ? { type, from, to } : { type, from, to, evidence };
  }

  /** The first target of an edge type without copying the set (hot path: owner and node lookups per event). */
  firstOut(key: string, type: TopologyRelationship): string | undefined {
    const targets = this.outgoing.get(key)?.get(type);
    if (targets) for (const target of targets) return target;
    return undefined;
  }

  firstIn(key: string, type: TopologyRelationship): string | undefined {
    const sources = this.incoming.get(key)?.get(type);
    if (sources) for (const source of sources) return source;
    return undefined;
  }

  /** Owners nearest first (Pod → ReplicaSet → Deployment); stops on cycles. */
  ownerChain(key: string): string[] {
    const chain: string[] = [];
    let current = key;
    for (;;) {
      const owner = this.firstIn(current, 'OWNS');
      if (owner === undefined || owner === key || chain.includes(owner)) return chain;
      chain.push(owner);
      current = owner;
    }
  }

  /**
   * The top of the owner chain, or the key itself. Cached for nodes only, forgotten with a
   * forgotten node: with no OWNS edge changing, every key asked stayed until 200,000 (a soak).
   */
  rootOwner(key: string): string {
    let owner = this.rootOwners.get(key);
    if (owner === undefined) {
      owner = this.walkToRootOwner(key);
      if (!this.nodes.has(key)) return owner;
      if (this.rootOwners.size >= 200_000) this.rootOwners.clear();
      this.rootOwners.set(key, owner);
    }
    return owner;
  }

  /** `rootOwner` answers cached now (at most the nodes kept). */
  get cachedRootOwners(): number {
    return this.rootOwners.size;
  }

  private walkToRootOwner(key: string): string {
    let current = key;
    for (let depth = 0; depth < 16; depth += 1) {
      const owner = this.firstIn(current, 'OWNS');
      if (owner === undefined || owner === key) return current;
      current = owner;
    }
    return current;
  }

  /** Everything a node owns, transitively (Deployment → ReplicaSets → Pods). */
  owned(key: string): string[] {
    const result: string[] = [];
    const queue = [key];
    const seen = new Set(queue);
    while (queue.length) {
      const current = queue.shift() as string;
      for (const child of this.out(current, 'OWNS')) {
        if (seen.has(child)) continue;
        seen.add(child);
        result.push(child);
        queue.push(child);
      }
    }
    return result;
  }

  toJSON(): { nodes: ResourceNode[]; edges: TopologyEdge[] } {
    const edges: TopologyEdge[] = [];
    for (const [from, byType] of this.outgoing) for (const [type, targets] of byType) for (const to of targets) edges.push(this.edge(from, type, to));
    return { nodes: [...this.nodes.values()], edges };
  }

  static fromJSON(snapshot: { nodes: ResourceNode[]; edges: TopologyEdge[] }): TopologyIndex {
    const index = new TopologyIndex();
    index.load(snapshot);
    return index;
  }

  /** Adds a stored topology: its nodes replace known ones with the same key, its edges are added. */
  load(snapshot: { nodes: readonly ResourceNode[]; edges: readonly TopologyEdge[] }): void {
    // Everything may have changed: more than `changedSince` remembers.
    this.nodeChanges += RECENT_CHANGES + 1;
    for (const node of snapshot.nodes) {
      this.nodes.set(node.key, node);
      if (node.deleted) this.deletedOrder.set(node.key, true);
    }
    for (const edge of snapshot.edges) {
      this.addEdge(edge.from, edge.type, edge.to);
      if (edge.evidence !== undefined) this.evidence.set(edgeId(edge.from, edge.type, edge.to), edge.evidence);
    }
    this.forgetOldestDeleted();
  }

  /** Deleted objects kept now. */
  get deletedCount(): number {
    return this.deletedOrder.size;
  }

  private forgetOldestDeleted(): void {
    for (const key of this.deletedOrder.keys()) {
      if (this.deletedOrder.size <= this.maxDeleted) return;
      this.deletedOrder.delete(key);
      const node = this.nodes.get(key);
      if (!node?.deleted) continue;
      for (const edge of this.edgesOf(key)) this.removeEdge(edge.from, edge.type, edge.to);
      this.nodes.delete(key);
      this.rootOwners.delete(key);
      this.noteChanged(key);
      for (const listener of this.forgetListeners) listener(node);
    }
  }

  /** Calls `listener` with each deleted node forgotten from now on (beyond `maxDeleted`). */
  onForget(listener: (node: ResourceNode) => void): void {
    this.forgetListeners.push(listener);
  }

  /**
   * Makes the node's edges of one type and direction exactly those of `edges` that
   * belong to that set. Runs for every object version (a Pod replaces seven sets), so
   * it works on the existing adjacency set in place instead of copying it.
   */
  private replaceEdges(key: string, type: TopologyRelationship, direction: 'out' | 'in', edges: readonly TopologyEdge[]): void {
    const existing = (direction === 'out' ? this.outgoing : this.incoming).get(key)?.get(type);
    if (sameEdgeSet(existing, key, type, direction, edges)) return;
    let wanted: Set<string> | undefined;
    for (const edge of edges) {
      if (edge.type !== type) continue;
      if (direction === 'out' ? edge.from !== key : edge.to !== key) continue;
      (wanted ??= new Set()).add(direction === 'out' ? edge.to : edge.from);
      if (edge.evidence !== undefined) this.evidence.set(edgeId(edge.from, edge.type, edge.to), edge.evidence);
    }
    if (existing) {
      // Deleting the current element while iterating a Set is safe in JavaScript.
      for (const other of existing) {
        if (wanted?.has(other)) continue;
        if (direction === 'out') this.removeEdge(key, type, other);
        else this.removeEdge(other, type, key);
      }
    }
    if (!wanted) return;
    for (const other of wanted) {
      if (direction === 'out') this.addEdge(key, type, other);
      else this.addEdge(other, type, key);
    }
  }

  private addEdge(from: string, type: TopologyRelationship, to: string): void {
    if (this.outgoing.get(from)?.get(type)?.has(to)) return;
    link(this.outgoing, from, type, to);
    link(this.incoming, to, type, from);
    this.edgeCount += 1;
    this.edgeChanges += 1;
    this.noteChanged(from);
    this.noteChanged(to);
    if (type === 'OWNS') this.rootOwners.clear();
  }

  private removeEdge(from: string, type: TopologyRelationship, to: string): void {
    if (!this.outgoing.get(from)?.get(type)?.has(to)) return;
    unlink(this.outgoing, from, type, to);
    unlink(this.incoming, to, type, from);
    this.edgeCount -= 1;
    this.edgeChanges += 1;
    this.noteChanged(from);
    this.noteChanged(to);
    if (type === 'OWNS') this.rootOwners.clear();
    if (this.evidence.size) this.evidence.delete(edgeId(from, type, to));
  }

  /**
   * A deleted object keeps its node (marked deleted, so past events still resolve)
   * but loses every edge, in and out: a deleted Pod is no longer selected or owned.
   * Only the newest `maxDeleted` deleted nodes are kept.
   */
  private remove(key: string, at: string): void {
    for (const edge of this.edgesOf(key)) this.removeEdge(edge.from, edge.type, edge.to);
    const node = this.nodes.get(key);
    if (!node) return;
    this.nodes.set(key, { ...node, deleted: true, updatedAt: at });
    this.noteChanged(key);
    this.deletedOrder.delete(key);
    this.deletedOrder.set(key, true);
    this.forgetOldestDeleted();
  }
}
