import type { EntityRelation, EventType, IndexedEvent, ResourceNode, TopologyIndex, TopologyRelationship } from '@tapio/domain';
import type { MatchState } from '../patterns/pattern-matcher.js';
import { dependenciesOf, related } from '../state/relations.js';
import type { EventFilter, Scope } from '../state/state-walks.js';
import type { EventVisitor, WorkingState } from '../state/working-state.js';

/** Answers kept at most; beyond it (a cluster of that many entities asked about between changes) all are derived again. */
const MAX_ANSWERS = 50_000;

/**
 * The working state as the correlators and the pattern matcher read it, with the topology
 * answers they all ask for an event's entity (its owner chain, node, the ConfigMaps / Secrets
 * / claims it uses) derived once and shared: five correlators and the matcher asked
 * `dependenciesOf` for the same pod 1.35 times per event and `nodeNameOf` 2.8 times, each
 * rebuilding the answer. An answer is kept until a node it was read from changes
 * (`TopologyIndex.changedSince` names every node set and both ends of every edge added or
 * removed): a pod's status update forgets that pod's answers only, so a workload's and its
 * other pods' answers outlive it. When more changed than the topology remembers, everything
 * is forgotten. Event lists are read from the working state as asked (each reader's window
 * and types differ). Answers are shared arrays: readers must not change them.
 */
export class SharedLookups implements MatchState {
  private version: number;
  private readonly chains = new Map<string, string[]>();
  private readonly nodeNames = new Map<string, string | undefined>();
  private readonly dependencies = new Map<string, string[]>();
  /** The answers derived from each node, by the key asked (a stale entry only costs a needless forget). */
  private readonly readers = new Map<string, string[]>();
  private readerEntries = 0;
  private readonly topology: TopologyIndex;

  constructor(private readonly state: WorkingState) {
    this.topology = state.topology;
    this.version = this.topology.nodeVersion;
  }

  /** Forgets the answers read from nodes that changed since they were derived. */
  private current(): void {
    const version = this.topology.nodeVersion;
    if (version === this.version) return;
    const changed = this.topology.changedSince(this.version);
    this.version = version;
    if (!changed || this.readerEntries > 4 * MAX_ANSWERS) {
      this.forgetAll();
      return;
    }
    for (const key of changed) {
      const asked = this.readers.get(key);
      if (!asked) continue;
      this.readers.delete(key);
      this.readerEntries -= asked.length;
      for (const answer of asked) {
        this.chains.delete(answer);
        this.nodeNames.delete(answer);
        this.dependencies.delete(answer);
      }
    }
  }

  private forgetAll(): void {
    this.chains.clear();
    this.nodeNames.clear();
    this.dependencies.clear();
    this.readers.clear();
    this.readerEntries = 0;
  }

  /** Notes that the answers about `asked` were read from `node`. */
  private readFrom(node: string, asked: string): void {
    const answers = this.readers.get(node);
    if (answers === undefined) this.readers.set(node, [asked]);
    else if (answers[answers.length - 1] !== asked) answers.push(asked);
    else return;
    this.readerEntries += 1;
  }

  /** Room for one more answer: all are forgotten at the bound. */
  private room(answers: Map<string, unknown>): void {
    if (answers.size >= MAX_ANSWERS) this.forgetAll();
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

  /** Read from the key's and each owner's OWNS edges (an edge change notes both ends). */
  ownerChain(key: string): string[] {
    this.current();
    let chain = this.chains.get(key);
    if (chain === undefined) {
      this.room(this.chains);
      this.chains.set(key, (chain = this.state.ownerChain(key)));
      this.readFrom(key, key);
      for (const owner of chain) this.readFrom(owner, key);
    }
    return chain;
  }

  rootOwner(key: string): string {
    return this.topology.rootOwner(key);
  }

  /** Read from the key's node (a Node's name, a pod's facts), its RUNS_ON edge and the Node it points to. */
  nodeNameOf(key: string): string | undefined {
    this.current();
    if (this.nodeNames.has(key)) return this.nodeNames.get(key);
    this.room(this.nodeNames);
    const name = this.state.nodeNameOf(key);
    this.nodeNames.set(key, name);
    this.readFrom(key, key);
    const target = this.topology.firstOut(key, 'RUNS_ON');
    if (target !== undefined) this.readFrom(target, key);
    return name;
  }

  /** Read from the facts of the key and of its owners (the owner chain notes their edges). */
  dependenciesOf(key: string): string[] {
    this.current();
    let found = this.dependencies.get(key);
    if (found === undefined) {
      const chain = this.ownerChain(key);
      this.room(this.dependencies);
      this.dependencies.set(key, (found = dependenciesOf(this, key)));
      this.readFrom(key, key);
      for (const owner of chain) this.readFrom(owner, key);
    }
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

  walkBackOn(key: string, since: number, types: ReadonlySet<EventType> | undefined, visit: EventVisitor): void {
    this.state.walkBackOn(key, since, types, visit);
  }

  walkBackOnOwner(ownerKey: string, since: number, types: ReadonlySet<EventType> | undefined, visit: EventVisitor): void {
    this.state.walkBackOnOwner(ownerKey, since, types, visit);
  }

  walkBackOnNode(nodeName: string, since: number, types: ReadonlySet<EventType> | undefined, visit: EventVisitor): void {
    this.state.walkBackOnNode(nodeName, since, types, visit);
  }

  earliestMatching(scope: Scope, key: string, since: number, types: ReadonlySet<EventType> | undefined, filter: EventFilter): IndexedEvent | undefined {
    return this.state.earliestMatching(scope, key, since, types, filter);
  }

  latestMatching(scope: Scope, key: string, since: number, types: ReadonlySet<EventType> | undefined, filter: EventFilter): IndexedEvent | undefined {
    return this.state.latestMatching(scope, key, since, types, filter);
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
