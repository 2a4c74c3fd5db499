import {
  entityKey,
  entityKeyKind,
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
import { dependencyTopologyOf } from '../dependencies/dependency-topology.js';
import { TopologyProjector } from '../topology/topology-projector.js';
import { EventRing, type SequencedEvent, type SlotTest } from './event-ring.js';
import { KeyedIndex } from './keyed-index.js';
import { SharedParts } from './shared-parts.js';
import { typeIdOf } from './type-ids.js';
import { dependenciesOf, related } from './relations.js';
import type { EventFilter, Scope } from './state-walks.js';

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

/** A reader of events walked newest first; returns false to stop the walk. */
export type EventVisitor = (item: IndexedEvent, inOrder: boolean) => boolean;

/** The ring's link columns: two per keyed index (all types, by type), one for the global by-type chains. */
const TYPE_CHAIN = 8;
/**
 * An event's tag in the ring: its entity's id in the low 31 bits (0: no entity) and whether
 * the entity is a Pod in the top bit. Ids count up and wrap after 2^31 - 1 entities; an id
 * is only dropped with every event of its entity, so a live event's id is never reused
 * unless its entity outlived two thousand million others in one window.
 */
const ENTITY_ID_MASK = 0x7fff_ffff;
const POD_TAG = 0x8000_0000;

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
  /** Every event in the window, once, by sequence number; the indexes below are chains through it. */
  private readonly ring = new EventRing();
  private readonly byEntity = new KeyedIndex(this.ring, 0, 1, (key) => this.newTag(key));
  private readonly byOwner = new KeyedIndex(this.ring, 2, 3);
  private readonly byNode = new KeyedIndex(this.ring, 4, 5);
  private readonly byNamespace = new KeyedIndex(this.ring, 6, 7);
  /** Newest sequence number per event type id (`typeIdOf`; the chain TYPE_CHAIN through the ring), -1 for none. */
  private readonly byType: number[] = [];
  private readonly byId = new Map<string, SequencedEvent>();
  /** The last entity reference, context and object facts per entity, shared by its events that repeat them. */
  private readonly shared = new SharedParts();
  private nextEntityId = 1;
  private seq = 0;
  /** `seq` at the last trim of the per-index lists. */
  private trimmedAt = 0;
  private newest = Number.NEGATIVE_INFINITY;
  private readonly windowMs: number;
  /** Lowered (never raised) by `shrinkTo` when memory runs short. */
  private maxEvents: number;

  constructor(options: WorkingStateOptions = {}) {
    this.windowMs = options.windowMs ?? 2 * 3_600_000;
    this.maxEvents = options.maxEvents ?? 1_000_000;
    this.topology = options.topology ?? new TopologyIndex();
    this.dependencies = new DependencyModel(dependencyTopologyOf(this.topology));
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
    this.ring.push(indexed);
    if (at > this.newest) this.newest = at;
    const typeId = typeIdOf(event.type);
    this.byEntity.add(key, indexed, typeId);
    this.ring.link(indexed.seq, TYPE_CHAIN, this.byType[typeId] ?? -1);
    while (this.byType.length < typeId) this.byType.push(-1);
    this.byType[typeId] = indexed.seq;
    if (key) {
      const owner = this.topology.rootOwner(key);
      if (owner !== key) this.byOwner.add(owner, indexed, typeId);
      // The node looked up above (nothing changed the topology since), or the one `ensure` made.
      this.byNode.add(this.nodeNameOfResource(key, known ?? this.topology.node(key)) ?? event.k8sContext?.nodeName, indexed, typeId);
    }
    this.byNamespace.add(event.entity?.namespace ?? undefined, indexed, typeId);
    for (const caller of this.dependencies.observe(indexed)) {
      const node = this.topology.node(caller);
      if (!node) continue;
      const change = this.dependencies.change(caller, node);
      this.topology.apply(change);
      changes.push(change);
    }
    // After the topology took what it needs from the event: from here on only readers see it.
    if (key) this.shared.share(key, event);
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
    return this.nodeNameOfResource(key, this.topology.node(key));
  }

  /** `nodeNameOf` with the key's topology node already looked up. */
  private nodeNameOfResource(key: string, node: ResourceNode | undefined): string | undefined {
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

  /** `eventsOn`'s events newest first, to `visit` until it returns false (`inOrder`: see `EventRing.walkBack`). */
  walkBackOn(key: string, since: number, types: ReadonlySet<EventType> | undefined, visit: EventVisitor): void {
    this.byEntity.walkBack(key, since, this.minLiveSeq(), types, visit);
  }

  /** `eventsOnOwner`'s events newest first, to `visit` until it returns false. */
  walkBackOnOwner(ownerKey: string, since: number, types: ReadonlySet<EventType> | undefined, visit: EventVisitor): void {
    this.byOwner.walkBack(ownerKey, since, this.minLiveSeq(), types, visit);
  }

  /** `eventsOnNode`'s events newest first, to `visit` until it returns false. */
  walkBackOnNode(nodeName: string, since: number, types: ReadonlySet<EventType> | undefined, visit: EventVisitor): void {
    this.byNode.walkBack(nodeName, since, this.minLiveSeq(), types, visit);
  }

  /**
   * The first event of a scope's list that passes `filter` (`earliestOf` with it), tested on
   * the ring's time and tag columns: only the answer's object is read, not each one walked.
   */
  earliestMatching(scope: Scope, key: string, since: number, types: ReadonlySet<EventType> | undefined, filter: EventFilter): IndexedEvent | undefined {
    return this.indexOf(scope).earliest(key, since, this.minLiveSeq(), types, this.slotTest(filter));
  }

  /** The last event of a scope's list that passes `filter` (`latestOf` with it), tested as `earliestMatching` does. */
  latestMatching(scope: Scope, key: string, since: number, types: ReadonlySet<EventType> | undefined, filter: EventFilter): IndexedEvent | undefined {
    return this.indexOf(scope).latest(key, since, this.minLiveSeq(), types, this.slotTest(filter));
  }

  /**
   * How many events of a scope's list are at or before `until`, or how many distinct entities
   * they are on (`distinct`): `countUntil` counted on the ring's time and tag columns (an
   * entity's id is its tag's), so a busy owner's or node's events are counted without reading one.
   */
  countUntil(scope: Scope, key: string, since: number, types: ReadonlySet<EventType> | undefined, until: number, distinct: boolean): number {
    const index = this.indexOf(scope);
    const minSeq = this.minLiveSeq();
    if (!distinct) return index.count(key, since, minSeq, types, (at) => at <= until);
    const entities = new Set<number>();
    index.count(key, since, minSeq, types, (at, tag) => {
      if (at <= until) entities.add(tag & ENTITY_ID_MASK);
      return false;
    });
    return entities.size;
  }

  private indexOf(scope: Scope): KeyedIndex {
    return scope === 'entity' ? this.byEntity : scope === 'owner' ? this.byOwner : this.byNode;
  }

  /** The filter as a test of a ring slot's time and tag. */
  private slotTest(filter: EventFilter): SlotTest {
    const { until = Number.POSITIVE_INFINITY, after = Number.NEGATIVE_INFINITY, otherThan, podsOnly = false } = filter;
    // An entity without events in the window has no id, and no event can be its: -1 matches none.
    const otherTag = otherThan === undefined ? undefined : this.byEntity.tagOf(otherThan);
    const other = otherTag === undefined ? -1 : otherTag & ENTITY_ID_MASK;
    return (at, tag) => at <= until && at > after && (tag & ENTITY_ID_MASK) !== other && (!podsOnly || (tag & POD_TAG) !== 0);
  }

  /** An entity key's tag (see ENTITY_ID_MASK), given by the entity index on the key's first event in the window. */
  private newTag(key: string): number {
    const id = this.nextEntityId;
    this.nextEntityId = id === ENTITY_ID_MASK ? 1 : id + 1;
    // `|` gives a signed 32-bit number: a small integer in the key's heads array, whose other
    // entries are too (an unsigned 2^31 and above would turn the array into one of doubles).
    // The ring's Uint32 column stores the same bits.
    return entityKeyKind(key) === 'Pod' ? id | POD_TAG : id;
  }

  eventsOfType(type: EventType, since: number): IndexedEvent[] {
    const newest = this.byType[typeIdOf(type)] ?? -1;
    return newest < 0 ? [] : this.ring.select(newest, TYPE_CHAIN, since, this.minLiveSeq(), undefined);
  }

  /** Whether any event of one of `types` at or after `since` is in the window (no list built: a cheap test before a search). */
  hasEventOfType(types: ReadonlySet<string>, since: number): boolean {
    const minSeq = this.minLiveSeq();
    for (const type of types) {
      const newest = this.byType[typeIdOf(type)] ?? -1;
      if (newest >= 0 && this.ring.hasSince(newest, TYPE_CHAIN, since, minSeq)) return true;
    }
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
    for (let head = this.ring.oldest(); head !== undefined; head = this.ring.oldest()) {
      if (this.byId.size <= this.maxEvents && head.at >= oldest) break;
      this.byId.delete(head.event.id);
      this.ring.shift();
    }
    // An event that leaves the ring leaves every chain; the keys whose newest event left are
    // forgotten in batches: one pass over the keys once as many events arrived as the window
    // holds (at least 4,096), so stale keys never outnumber live events much.
    if (this.seq - this.trimmedAt >= Math.max(4_096, this.byId.size)) {
      this.trimmedAt = this.seq;
      this.trimIndexes();
    }
  }

  /** What the window holds beside its live events (for memory accounting): ring slots, and keys of the indexes, stale ones included until the next trim. */
  get held(): { slots: number; keys: number } {
    const keys = this.byEntity.keys + this.byOwner.keys + this.byNode.keys + this.byNamespace.keys + this.byType.filter((newest) => newest >= 0).length + this.shared.size;
    return { slots: this.ring.capacity, keys };
  }

  private minLiveSeq(): number {
    return this.ring.first;
  }

  /**
   * Memory relief (read-only by memory pressure, see memory-relief.ts): keeps the newest
   * `keep` events and holds the window to that many from now on. Returns how many left.
   */
  shrinkTo(keep: number): number {
    const before = this.byId.size;
    this.maxEvents = Math.min(this.maxEvents, Math.max(0, Math.floor(keep)));
    this.evict();
    // The index keys of the events that left go now, not at the next trim.
    this.trimmedAt = this.seq;
    this.trimIndexes();
    return before - this.byId.size;
  }

  /** Most events the window keeps now (its configured bound, or less after `shrinkTo`). */
  get eventLimit(): number {
    return this.maxEvents;
  }

  private trimIndexes(): void {
    const minSeq = this.minLiveSeq();
    for (const index of [this.byEntity, this.byOwner, this.byNode, this.byNamespace]) index.trim(minSeq);
    for (let typeId = 0; typeId < this.byType.length; typeId += 1) if ((this.byType[typeId] as number) < minSeq) this.byType[typeId] = -1;
    this.shared.trim((key) => this.byEntity.has(key));
  }
}
