import { entityKeyKind } from '@tapio/domain';
import type { WorkingState } from '../state/working-state.js';
import { CAUSE_KINDS, keptOffBy, mayExplain, podsOf, REASONS } from './incident-folding.js';
import { workloadBehind } from '../state/relations.js';

/** What may have changed `causesOf` answers since a fold pass last asked (FoldRelations.takeForgotten). */
export interface Forgotten {
  all: boolean;
  roots: Set<string>;
  /** Cause-kind roots that came into the book or left it. */
  causes: Set<string>;
}

const USED_KINDS: ReadonlySet<string> = new Set(['ConfigMap', 'Secret', 'PersistentVolumeClaim']);

/** Entries cached beyond twice the book before those of roots gone from it are swept (FoldRelations.sweep). */
const SWEEP_SLACK = 1_000;

/** What `explains` reads about one incident root, derived once and reused while nothing it came from changed. */
interface RootFacts {
  dependencyVersion: number;
  pods: string[];
  /** ConfigMaps, Secrets and claims its pods (and their owners' templates) use. */
  used: Set<string>;
  /** The Services (and other targets) it calls: DEPENDS_ON. */
  calls: Set<string>;
  /** For a Service root: the pods it selects and their top owners. */
  serviceOwners: Set<string> | undefined;
}

/**
 * `explains` (incident-folding.ts) answered from facts derived per root and cached: the
 * folding runs over the whole incident book whenever an insight changes, and deriving a
 * root's pods and what they use took most of the engine's time on a busy book. A root's
 * facts stay valid while the dependency model's targets and every node whose facts or
 * edges they were read from are unchanged (TopologyIndex.changedSince names the nodes set,
 * or with an edge added or removed, since the last refold). Any edge change anywhere used
 * to derive every root again: on a busy cluster that was nearly every pass.
 * Also lists the roots that can explain a root (a superset of those that do), so a refold
 * only looks at incidents that can fold.
 */
export class FoldRelations {
  private readonly kinds = new Map<string, string>();
  private readonly roots = new Map<string, RootFacts>();
  private readonly policies = new Map<string, { edgeVersion: number; selects: Set<string> }>();
  /** `causesOf` per root, while its facts and the cause-kind roots present are the same. */
  private readonly causes = new Map<string, { facts: RootFacts; present: number; causes: string[] }>();
  /** The cause-kind roots in the book at the last pass, and a count of how often that set changed. */
  private presentCauses = new Set<string>();
  private presentVersion = 0;
  /** The roots whose cached facts use or call each key (what `mayName` may say yes to): a superset, pruned as facts go. */
  private readonly namers = new Map<string, Set<string>>();
  /** The roots whose facts were read from each node. */
  private readonly readers = new Map<string, Set<string>>();
  private seenNodeVersion: number;
  private seenDependencyVersion: number;
  /** The roots whose facts were forgotten since `takeForgotten` was last asked; `all` when everything was. */
  private forgotten: Forgotten = { all: true, roots: new Set(), causes: new Set() };

  constructor(private readonly state: WorkingState) {
    this.seenNodeVersion = state.topology.nodeVersion;
    this.seenDependencyVersion = state.dependencies.version;
  }

  /**
   * What may have changed an answer of `causesOf` since the last call: the roots whose facts
   * were forgotten, the cause-kind roots that came into the book or left it (only roots that
   * use or call one of those answer differently: `mayName`), or `all` (the dependency
   * model's targets changed, everything was forgotten, a NetworkPolicy root came or went).
   * Answers about NetworkPolicies also follow `edgeVersion`.
   */
  takeForgotten(): Readonly<Forgotten> {
    const forgotten = this.forgotten;
    this.forgotten = { all: false, roots: new Set(), causes: new Set() };
    return forgotten;
  }

  /** The roots with facts cached that may use or call `key` (ask `mayName` of each). */
  namersOf(key: string): Iterable<string> {
    return this.namers.get(key) ?? [];
  }

  /** Whether `root` uses or calls `cause` (so its `causesOf` answer changes when `cause` comes or goes). */
  mayName(root: string, cause: string): boolean {
    const facts = this.facts(root);
    return facts.used.has(cause) || facts.calls.has(cause);
  }

  get edgeVersion(): number {
    return this.state.topology.edgeVersion;
  }

  /**
   * Starts a refold: forgets the roots derived from nodes that changed since the last one,
   * and, given the roots in the book (`present`), what is cached for roots gone from it.
   */
  begin(present?: ReadonlyMap<string, unknown>): void {
    if (present) this.sweep(present);
    const topology = this.state.topology;
    const changed = topology.changedSince(this.seenNodeVersion);
    this.seenNodeVersion = topology.nodeVersion;
    if (this.seenDependencyVersion !== this.state.dependencies.version) {
      this.seenDependencyVersion = this.state.dependencies.version;
      this.forgotten.all = true;
    }
    if (changed === undefined || this.roots.size > 50_000 || this.causes.size > 50_000 || this.readers.size > 200_000) {
      // More changed than is remembered, or roots of incidents long gone piled up: derive again.
      this.roots.clear();
      this.namers.clear();
      this.readers.clear();
      this.causes.clear();
      this.forgotten.all = true;
    } else {
      for (const key of changed) {
        const roots = this.readers.get(key);
        if (!roots) continue;
        this.readers.delete(key);
        for (const root of roots) {
          this.dropFacts(root);
          this.forgotten.roots.add(root);
        }
      }
    }
    if (this.kinds.size > 200_000) this.kinds.clear();
    if (this.policies.size > 10_000) this.policies.clear();
  }

  /** How many entries each cache holds (what `sweep` bounds). */
  get cacheSizes(): { roots: number; causes: number; kinds: number; policies: number; readers: number } {
    let readers = 0;
    for (const roots of this.readers.values()) readers += roots.size;
    return { roots: this.roots.size, causes: this.causes.size, kinds: this.kinds.size, policies: this.policies.size, readers };
  }

  /**
   * Forgets the facts, answers, kinds and readers of roots no longer in the book once a cache
   * holds more than twice the book (plus SWEEP_SLACK). Every key these caches are asked about
   * is a root in the book at that pass, so a root that comes back is derived again. Without
   * it a root seen once kept its entries until the 50,000-root clear below: in a 30-minute
   * soak with a book of 500 incidents they grew from ~4,900 to ~13,400 roots (+3.4 MB) after
   * warm-up, some 10 MB at the cap. A sweep costs about what was cached since the last one.
   */
  private sweep(present: ReadonlyMap<string, unknown>): void {
    const limit = 2 * present.size + SWEEP_SLACK;
    if (this.roots.size <= limit && this.causes.size <= limit && this.kinds.size <= limit && this.policies.size <= limit) return;
    for (const root of [...this.roots.keys()]) if (!present.has(root)) this.dropFacts(root);
    for (const cache of [this.causes, this.kinds, this.policies]) {
      for (const key of cache.keys()) if (!present.has(key)) cache.delete(key);
    }
    for (const [node, roots] of this.readers) {
      for (const root of roots) if (!present.has(root)) roots.delete(root);
      if (roots.size === 0) this.readers.delete(node);
    }
  }

  kindOf(key: string): string {
    let kind = this.kinds.get(key);
    if (kind === undefined) this.kinds.set(key, (kind = entityKeyKind(key) ?? ''));
    return kind;
  }

  /** Exactly `explains(state, cause, root)`. */
  explains(cause: string, root: string): string | undefined {
    if (cause === root) return undefined;
    const causeKind = this.kindOf(cause);
    const rootKind = this.kindOf(root);
    if (!mayExplain(causeKind, rootKind)) return undefined;
    const facts = this.facts(root);
    if (rootKind === 'Service' && (facts.serviceOwners?.has(cause) || workloadBehind(this.state, root, cause) || keptOffBy(this.state, root, cause, causeKind))) return REASONS.service;
    if (causeKind === 'Service' && facts.calls.has(cause)) return REASONS.calls;
    if (facts.pods.length === 0) return undefined;
    if (USED_KINDS.has(causeKind) && facts.used.has(cause)) return REASONS.uses;
    if (causeKind === 'NetworkPolicy' && this.policySelectsAny(cause, facts.pods)) return REASONS.policy;
    return undefined;
  }

  /**
   * The root keys among `present` that may explain `root` (not a Service): the ConfigMaps,
   * Secrets and claims it uses, the Services it calls, NetworkPolicies selecting its pods.
   * Every root `explains` accepts for `root` is among them.
   */
  causesOf(root: string, present: ReadonlyMap<string, unknown>, policies: readonly string[]): string[] {
    const facts = this.facts(root);
    const cached = this.causes.get(root);
    // Every key it returns is of a cause kind: the answer holds while those present do not change.
    if (cached && cached.facts === facts && cached.present === this.presentVersion) return cached.causes;
    const causes: string[] = [];
    for (const key of facts.used) if (key !== root && present.has(key)) causes.push(key);
    for (const key of facts.calls) if (key !== root && present.has(key) && !facts.used.has(key) && this.kindOf(key) === 'Service') causes.push(key);
    if (facts.pods.length > 0) for (const policy of policies) if (policy !== root && this.policySelectsAny(policy, facts.pods)) causes.push(policy);
    this.causes.set(root, { facts, present: this.presentVersion, causes });
    return causes;
  }

  /** Tells which roots of a kind that can cause are in the book now (before `causesOf` in a pass). */
  notePresent(present: ReadonlyMap<string, unknown>): void {
    const now = new Set<string>();
    for (const key of present.keys()) if (CAUSE_KINDS.has(this.kindOf(key))) now.add(key);
    if (now.size === this.presentCauses.size && [...now].every((key) => this.presentCauses.has(key))) return;
    for (const key of now) if (!this.presentCauses.has(key)) this.causeCameOrWent(key);
    for (const key of this.presentCauses) if (!now.has(key)) this.causeCameOrWent(key);
    this.presentCauses = now;
    this.presentVersion += 1;
  }

  /** `notePresent` told only the keys that came or went since (`present` is the book now). */
  notePresentChanges(keys: Iterable<string>, present: ReadonlyMap<string, unknown>): void {
    let changed = false;
    for (const key of keys) {
      if (!CAUSE_KINDS.has(this.kindOf(key)) || present.has(key) === this.presentCauses.has(key)) continue;
      if (present.has(key)) this.presentCauses.add(key);
      else this.presentCauses.delete(key);
      this.causeCameOrWent(key);
      changed = true;
    }
    if (changed) this.presentVersion += 1;
  }

  private causeCameOrWent(key: string): void {
    if (this.kindOf(key) === 'NetworkPolicy') this.forgotten.all = true;
    else this.forgotten.causes.add(key);
  }

  /** Whether `key` is a kind of root that can explain roots other than Services. */
  canCause(key: string): boolean {
    return CAUSE_KINDS.has(this.kindOf(key));
  }

  private policySelectsAny(policy: string, pods: readonly string[]): boolean {
    const version = this.state.topology.edgeVersion;
    let entry = this.policies.get(policy);
    if (!entry || entry.edgeVersion !== version) this.policies.set(policy, (entry = { edgeVersion: version, selects: new Set(this.state.neighbours(policy, 'APPLIES_TO', 'out')) }));
    for (const pod of pods) if (entry.selects.has(pod)) return true;
    return false;
  }

  private facts(root: string): RootFacts {
    const cached = this.roots.get(root);
    if (cached && cached.dependencyVersion === this.state.dependencies.version) return cached;
    if (cached) this.dropFacts(root);
    const facts = this.derive(root);
    this.roots.set(root, facts);
    for (const keys of [facts.used, facts.calls]) {
      for (const key of keys) {
        let named = this.namers.get(key);
        if (!named) this.namers.set(key, (named = new Set()));
        named.add(root);
      }
    }
    return facts;
  }

  private dropFacts(root: string): void {
    const facts = this.roots.get(root);
    if (!facts) return;
    this.roots.delete(root);
    for (const keys of [facts.used, facts.calls]) {
      for (const key of keys) {
        const named = this.namers.get(key);
        if (named?.delete(root) && named.size === 0) this.namers.delete(key);
      }
    }
  }

  private readBy(key: string, root: string): void {
    let roots = this.readers.get(key);
    if (!roots) this.readers.set(key, (roots = new Set()));
    roots.add(root);
  }

  private derive(root: string): RootFacts {
    const state = this.state;
    // The root and every owner below it whose OWNS edges were read: a pod added or gone changes them.
    this.readBy(root, root);
    const pods = podsOf(state, root, (owner) => this.readBy(owner, root));
    const used = new Set<string>();
    for (const pod of pods) {
      for (const dependency of state.dependenciesOf(pod)) used.add(dependency);
      // dependenciesOf read the facts of the pod and its owners (and their OWNS edges): a new version of any makes these stale.
      this.readBy(pod, root);
      for (const owner of state.ownerChain(pod)) this.readBy(owner, root);
    }
    let serviceOwners: Set<string> | undefined;
    if (this.kindOf(root) === 'Service') {
      // The Service's SELECTS edges are the root's own; each pod's top owner comes from its owner chain.
      serviceOwners = new Set<string>();
      for (const pod of state.neighbours(root, 'SELECTS', 'out')) {
        serviceOwners.add(pod).add(state.rootOwner(pod));
        this.readBy(pod, root);
        for (const owner of state.ownerChain(pod)) this.readBy(owner, root);
      }
    }
    return {
      dependencyVersion: state.dependencies.version,
      pods,
      used,
      calls: new Set(state.dependsOn(root).map((edge) => edge.to)),
      serviceOwners,
    };
  }
}
