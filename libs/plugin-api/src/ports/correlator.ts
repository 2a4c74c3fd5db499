import type { UnifiedEvent } from '../events/unified-event.js';
import type { EventType } from '../events/event-type.js';
import type { Correlation } from '../insights/insight.js';
import type { ResourceNode, TopologyRelationship } from '../graph/graph-model.js';
import type { EntityRelation } from '../patterns/entity-relation.js';
import { token } from './token.js';

/** A recent event as the correlation working state indexes it. */
export interface IndexedEvent {
  event: UnifiedEvent;
  /** Epoch ms of event.timestamp, parsed once. */
  at: number;
  entityKey: string | undefined;
}

/**
 * The read-only view a correlator gets: current topology and the recent-event
 * index, both bounded. Keys are `entityKey()` strings.
 */
export interface CorrelationState {
  resource(key: string): ResourceNode | undefined;
  /** Targets of outgoing edges (`out`) or sources of incoming edges (`in`) of one type. */
  neighbours(key: string, type: TopologyRelationship, direction: 'out' | 'in'): string[];
  /** Owner chain, nearest first (Pod → ReplicaSet → Deployment). */
  ownerChain(key: string): string[];
  /** Top of the owner chain (the key itself when unowned). */
  rootOwner(key: string): string;
  /** Name of the node a pod runs on; a Node's own name. */
  nodeNameOf(key: string): string | undefined;
  /** ConfigMaps, Secrets and PVCs a pod or workload uses, including through its owners' templates. */
  dependenciesOf(key: string): string[];
  /**
   * The Services (cluster DNS included) a pod's workload calls, from evidence: its spec's
   * probe commands and environment, and what its failures named. Each with its evidence.
   * With `text` (a failure message) naming addresses: only the dependencies it names.
   */
  dependsOn(key: string, text?: string): ReadonlyArray<{ to: string; evidence: readonly string[]; lookups: boolean; clusterDns: boolean }>;
  /** Whether two entities relate in the given way (pattern-sequence semantics). */
  related(a: string | undefined, b: string | undefined, relation: EntityRelation): boolean;
  /** Newest event time seen (epoch ms): "now" in event time, so replays keep their own clock. */
  readonly now: number;
  /** An event still in the window, by id. */
  get(id: string): IndexedEvent | undefined;
  /** Recent events on an owner's whole family (every pod and ReplicaSet of a Deployment). */
  eventsOnOwner(ownerKey: string, since: number, types?: ReadonlySet<EventType>): IndexedEvent[];
  /** Recent events on an entity, oldest first, at or after `since` (epoch ms). */
  eventsOn(key: string, since: number, types?: ReadonlySet<EventType>): IndexedEvent[];
  eventsOfType(type: EventType, since: number): IndexedEvent[];
  eventsOnNode(nodeName: string, since: number, types?: ReadonlySet<EventType>): IndexedEvent[];
  eventsInNamespace(namespace: string, since: number, types?: ReadonlySet<EventType>): IndexedEvent[];
}

/** A correlation strategy plugin: given a new event and the state, the edges it finds. */
export interface Correlator {
  readonly id: string;
  correlate(event: IndexedEvent, state: CorrelationState): Correlation[];
}
export const Correlator = token<Correlator>('Correlator');
