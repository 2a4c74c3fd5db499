import type { EntityRelation, EventType, IndexedEvent, ResourceNode, TopologyIndex, TopologyRelationship } from '@tapio/domain';
import type { MatchState } from '../patterns/pattern-matcher.js';
import { dependenciesOf, related } from '../state/relations.js';
import type { WorkingState } from '../state/working-state.js';

/**
 * The working state as the correlators and the pattern matcher read it, with the topology
 * answers they all ask for an event's entity (its owner chain, root owner, node, the
 * ConfigMaps / Secrets / claims it uses) derived once and shared: five correlators and the
 * matcher asked `dependenciesOf` for the same pod 1.35 times per event and `nodeNameOf` 2.8
 * times, each rebuilding the answer. An answer is kept while the topology is unchanged
 * (`TopologyIndex.nodeVersion` counts every node set and edge added or removed), so it is
 * never stale and outlives events that change no topology; it is forgotten as a whole at the
 * first change. Event lists are read from the working state as asked (each reader's window
 * and types differ). Answers are shared arrays: readers must not change them.
 */
export class SharedLookups implements MatchState {
  private version = -1;
  private readonly chains = new Map<string, string[]>();
  private readonly nodeNames = new Map<string, string | undefined>();
  private readonly dependencies = new Map<string, string[]>();
  private readonly topology: TopologyIndex;

  constructor(private readonly state: WorkingState) {
    this.topology = state.topology;
  }

  /** Forgets every answer when the topology changed since they were derived. */
  private current(): void {
    const version = this.topology.nodeVersion;
    if (version === this.version) return;
    this.version = version;
    this.chains.clear();
    this.nodeNames.clear();
    this.dependencies.clear();
  }

  get now(): number {
    return this.state.now;
  }

  get(id: string): IndexedEvent | undefined {
    return this.state.get(id);
  }

  resource(key: string): ResourceNode | undefined {
    return this.topology.node(key);
  }

  neighbours(key: string, type: TopologyRelationship, direction: 'out' | 'in'): string[] {
    return this.state.neighbours(key, type, direction);
  }

  ownerChain(key: string): string[] {
    this.current();
    let chain = this.chains.get(key);
    if (chain === undefined) this.chains.set(key, (chain = this.state.ownerChain(key)));
    return chain;
  }

  rootOwner(key: string): string {
    return this.topology.rootOwner(key);
  }

  nodeNameOf(key: string): string | undefined {
    this.current();
    if (this.nodeNames.has(key)) return this.nodeNames.get(key);
    const name = this.state.nodeNameOf(key);
    this.nodeNames.set(key, name);
    return name;
  }

  dependenciesOf(key: string): string[] {
    this.current();
    let found = this.dependencies.get(key);
    if (found === undefined) this.dependencies.set(key, (found = dependenciesOf(this, key)));
    return found;
  }

  dependsOn(key: string, text?: string): ReturnType<WorkingState['dependsOn']> {
    return this.state.dependsOn(key, text);
  }

  related(a: string | undefined, b: string | undefined, relation: EntityRelation): boolean {
    return related(this, a, b, relation);
  }

  eventsOn(key: string, since: number, types?: ReadonlySet<EventType>): IndexedEvent[] {
    return this.state.eventsOn(key, since, types);
  }

  eventsOnOwner(ownerKey: string, since: number, types?: ReadonlySet<EventType>): IndexedEvent[] {
    return this.state.eventsOnOwner(ownerKey, since, types);
  }

  eventsOfType(type: EventType, since: number): IndexedEvent[] {
    return this.state.eventsOfType(type, since);
  }

  hasEventOfType(types: ReadonlySet<string>, since: number): boolean {
    return this.state.hasEventOfType(types, since);
  }

  eventsOnNode(nodeName: string, since: number, types?: ReadonlySet<EventType>): IndexedEvent[] {
    return this.state.eventsOnNode(nodeName, since, types);
  }

  eventsInNamespace(namespace: string, since: number, types?: ReadonlySet<EventType>): IndexedEvent[] {
    return this.state.eventsInNamespace(namespace, since, types);
  }
}
