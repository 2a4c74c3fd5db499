import {
  entityKey,
  type CorrelationState,
  type EntityRelation,
  type EventType,
  type IndexedEvent,
  type ResourceNode,
  type TopologyChange,
  type TopologyRelationship,
  type TopologySnapshot,
  type UnifiedEvent,
  TopologyIndex,
} from '@tapio/domain';
import { DependencyModel, type DependencyEdge } from '../dependencies/dependency-model.js';
import { TopologyProjector } from '../topology/topology-projector.js';
import { EventList, type SequencedEvent } from './event-list.js';
import { KeyedIndex } from './keyed-index.js';
import { dependenciesOf, related } from './relations.js';

export interface WorkingStateOptions {
  /** How far back (event time) the recent-event index reaches. */
  windowMs?: number;
  /** Most events kept in the index. */
  maxEvents?: number;
  /**
   * The topology to keep current, when another component shares it (the embedded graph
   * store in `-mode all`): the topology is then held once. A fresh one otherwise.
   */
  topology?: TopologyIndex;
}

type Index = Map<string, EventList>;

function push(index: Index, key: string | undefined, event: SequencedEvent): void {
  if (key === undefined) return;
  let list = index.get(key);
  if (!list) index.set(key, (list = new EventList()));
  list.push(event);
}

/**
 * The correlation engine's bounded working state: the current topology (kept by the
 * projector from the event stream) and the recent events, indexed by entity, root
 * owner, node, namespace and type. Bounded by a time window and a count.
 */
export class WorkingState implements CorrelationState {
  readonly topology: TopologyIndex;
  private readonly projector = new TopologyProjector();
  /** Who calls whom, learnt from the events (DEPENDS_ON). */
  readonly dependencies: DependencyModel;
  private readonly byEntity = new KeyedIndex();
  private readonly byOwner = new KeyedIndex();
  private readonly byNode = new KeyedIndex();
  private readonly byNamespace = new KeyedIndex();
  private readonly byType: Index = new Map();
  private readonly byId = new Map<string, SequencedEvent>();
  private readonly order: SequencedEvent[] = [];
  private orderHead = 0;
  private seq = 0;
  /** `seq` at the last trim of the per-index lists. */
  private trimmedAt = 0;
  private newest = Number.NEGATIVE_INFINITY;
  private readonly windowMs: number;
  private readonly maxEvents: number;

  constructor(options: WorkingStateOptions = {}) {
    this.windowMs = options.windowMs ?? 2 * 3_600_000;
    this.maxEvents = options.maxEvents ?? 1_000_000;
    this.topology = options.topology ?? new TopologyIndex();
    const topology = this.topology;
    this.dependencies = new DependencyModel({
      has: (key) => topology.has(key),
      rootOwner: (key) => topology.rootOwner(key),
      servicesOf: (pod) => [...topology.in(pod, 'SELECTS')],
      callsOf: (pod) => topology.node(pod)?.facts?.calls ?? [],
    });
  }

  /** Applies the event's topology change and indexes it; returns the indexed event (undefined for a duplicate). */
  add(event: UnifiedEvent): { indexed: IndexedEvent; changes: TopologyChange[] } | undefined {
    if (this.byId.has(event.id)) return undefined;
    const changes = this.projector.project(event);
    for (const change of changes) this.topology.apply(change);
    const rawKey = event.entity ? entityKey(event.entity) : undefined;
    const known = rawKey === undefined ? undefined : this.topology.node(rawKey);
    if (rawKey && !known && event.entity) this.topology.ensure({ key: rawKey, ref: event.entity, deleted: false, updatedAt: event.timestamp });
    // The topology's own key string: every map this event is looked up in below (and by the
    // correlators) then reuses its hash and compares by identity instead of rehashing a new string.
    const key = known?.key ?? rawKey;
    const at = Date.parse(event.timestamp);
    const indexed: SequencedEvent = { event, at, entityKey: key, seq: this.seq++ };
    this.byId.set(event.id, indexed);
    this.order.push(indexed);
    if (at > this.newest) this.newest = at;
    this.byEntity.add(key, indexed);
    push(this.byType, event.type, indexed);
    if (key) {
      const owner = this.topology.rootOwner(key);
      if (owner !== key) this.byOwner.add(owner, indexed);
      this.byNode.add(this.nodeNameOf(key) ?? event.k8sContext?.nodeName, indexed);
    }
    this.byNamespace.add(event.entity?.namespace ?? undefined, indexed);
    for (const caller of this.dependencies.observe(indexed)) {
      const node = this.topology.node(caller);
      if (!node) continue;
      const change = this.dependencies.change(caller, node);
      this.topology.apply(change);
      changes.push(change);
    }
    this.evict();
    return { indexed, changes };
  }

  /** Starts from a stored topology (a restarted worker), before any event. */
  restoreTopology(snapshot: TopologySnapshot): void {
    this.topology.load(snapshot);
    for (const node of snapshot.nodes) this.projector.remember(node);
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): IndexedEvent | undefined {
    return this.byId.get(id);
  }

  /** Newest event time seen: the engine's notion of "now" (replays keep their own time). */
  get now(): number {
    return this.newest;
  }

  resource(key: string): ResourceNode | undefined {
    return this.topology.node(key);
  }

  neighbours(key: string, type: TopologyRelationship, direction: 'out' | 'in'): string[] {
    return [...(direction === 'out' ? this.topology.out(key, type) : this.topology.in(key, type))];
  }

  ownerChain(key: string): string[] {
    return this.topology.ownerChain(key);
  }

  rootOwner(key: string): string {
    return this.topology.rootOwner(key);
  }

  dependenciesOf(key: string): string[] {
    return dependenciesOf(this, key);
  }

  dependsOn(key: string, text?: string): DependencyEdge[] {
    return this.dependencies.dependsOn(key, text);
  }

  related(a: string | undefined, b: string | undefined, relation: EntityRelation): boolean {
    return related(this, a, b, relation);
  }

  /** The node a pod runs on (by name); a Node's own name; undefined otherwise. */
  nodeNameOf(key: string): string | undefined {
    const node = this.topology.node(key);
    if (node?.ref.kind === 'Node') return node.ref.name;
    const target = this.topology.firstOut(key, 'RUNS_ON');
    return target ? this.topology.node(target)?.ref.name ?? target.split('/').pop() : node?.facts?.nodeName;
  }

  eventsOn(key: string, since: number, types?: ReadonlySet<EventType>): IndexedEvent[] {
    return this.byEntity.query(key, since, this.minLiveSeq(), types);
  }

  eventsOnOwner(ownerKey: string, since: number, types?: ReadonlySet<EventType>): IndexedEvent[] {
    return this.byOwner.query(ownerKey, since, this.minLiveSeq(), types);
  }

  eventsOfType(type: EventType, since: number): IndexedEvent[] {
    return this.byType.get(type)?.select(since, this.minLiveSeq(), undefined) ?? [];
  }

  /** Whether any event of one of `types` at or after `since` is in the window (no list built: a cheap test before a search). */
  hasEventOfType(types: ReadonlySet<string>, since: number): boolean {
    const minSeq = this.minLiveSeq();
    for (const type of types) if (this.byType.get(type)?.hasSince(since, minSeq)) return true;
    return false;
  }

  eventsOnNode(nodeName: string, since: number, types?: ReadonlySet<EventType>): IndexedEvent[] {
    return this.byNode.query(nodeName, since, this.minLiveSeq(), types);
  }

  eventsInNamespace(namespace: string, since: number, types?: ReadonlySet<EventType>): IndexedEvent[] {
    return this.byNamespace.query(namespace, since, this.minLiveSeq(), types);
  }

  private evict(): void {
    const oldest = this.newest - this.windowMs;
    while (this.orderHead < this.order.length) {
      const head = this.order[this.orderHead] as SequencedEvent;
      if (this.byId.size <= this.maxEvents && head.at >= oldest) break;
      this.byId.delete(head.event.id);
      this.orderHead += 1;
    }
    if (this.orderHead > 4096 && this.orderHead * 2 > this.order.length) {
      this.order.splice(0, this.orderHead);
      this.orderHead = 0;
    }
    // Per-index lists are trimmed in batches: one pass over every list once as many events
    // arrived as the window holds (at least 4,096), so dead entries never outnumber live ones
    // much. A fixed 32K batch held ~400K dead entries, and their events, at a 1-minute window
    // (a 27 MB sawtooth in the soak, 6x the window itself).
    if (this.seq - this.trimmedAt >= Math.max(4_096, this.byId.size)) {
      this.trimmedAt = this.seq;
      this.trimIndexes();
    }
  }

  /** Entries of the per-type lists not trimmed yet, live or not (for memory accounting). */
  get heldTypeEntries(): number {
    let count = 0;
    for (const list of this.byType.values()) count += list.length;
    return count;
  }

  private minLiveSeq(): number {
    return (this.order[this.orderHead] as SequencedEvent | undefined)?.seq ?? this.seq;
  }

  private trimIndexes(): void {
    const minSeq = this.minLiveSeq();
    for (const index of [this.byEntity, this.byOwner, this.byNode, this.byNamespace]) index.trim(minSeq);
    for (const [key, list] of this.byType) if (list.trim(minSeq)) this.byType.delete(key);
  }
}
