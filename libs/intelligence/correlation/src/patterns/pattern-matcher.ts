import { entityKey, entityKeyKind, parseEntityKey, type CorrelationState, type EntityRelation, type EventType, type IndexedEvent } from '@tapio/domain';
import type { CompiledCount, CompiledPattern, CompiledStep } from './compiled-pattern.js';
import { anyOf, countUntil, walkBack, type Scope } from '../state/state-walks.js';
import { namesRevokedAccount } from '../state/authorizes.js';

export interface PatternMatch {
  pattern: CompiledPattern;
  /** One event per step, in step order. */
  events: IndexedEvent[];
  /** Events counted by the trigger step's count requirement (1 without one). */
  count: number;
  /** The event that completed the match (its last step's). */
  trigger: IndexedEvent;
  /** The event of the pattern's root-cause step. */
  rootStepEvent: IndexedEvent;
  /** The event of the pattern's symptom step. */
  symptomStepEvent: IndexedEvent;
}

/** A match of every step; undefined when the pattern names a root or symptom step it does not have. */
function completeMatch(pattern: CompiledPattern, events: IndexedEvent[], count: number): PatternMatch | undefined {
  const trigger = events[events.length - 1];
  const rootStepEvent = events[pattern.rootStep];
  const symptomStepEvent = events[pattern.symptomStep];
  if (!trigger || !rootStepEvent || !symptomStepEvent) return undefined;
  return { pattern, events, count, trigger, rootStepEvent, symptomStepEvent };
}

const MAX_CANDIDATES = 25;

/** The working state as the matcher reads it: the correlators' view, plus a test that builds no list. */
export interface MatchState extends CorrelationState {
  /** Whether any event of one of `types` at or after `since` is in the window. */
  hasEventOfType(types: ReadonlySet<string>, since: number): boolean;
}

/**
 * False when some earlier step that pins its event types has no event of those types
 * anywhere in the window it could be found in (each step lies within its successor's
 * `within`, so step i at or after the trigger's time minus the later steps' `within`s).
 * Every candidate search filters by those types within that time, so no chain exists:
 * this settles most triggers (pods restarting on a node with no runtime restart) before
 * their count is taken over a busy node or owner.
 */
function earlierStepsPossible(steps: readonly CompiledStep[], event: IndexedEvent, state: MatchState): boolean {
  let lookbackMs = 0;
  for (let index = steps.length - 2; index >= 0; index -= 1) {
    lookbackMs += (steps[index + 1] as CompiledStep).withinMs;
    const types = (steps[index] as CompiledStep).types;
    if (types && !state.hasEventOfType(types, event.at - lookbackMs)) return false;
  }
  return true;
}

/**
 * What the step's count requirement counts for `event`: the events of its group (`count.by`)
 * in the count's window up to the event that pass the step's condition, or their distinct
 * entities. Only the number is needed, so the keyed groups are walked, no list built.
 */
function countOf(state: CorrelationState, step: CompiledStep, event: IndexedEvent): number {
  const count = step.count;
  const key = event.entityKey;
  if (!count || !key) return 1;
  const since = event.at - count.windowMs;
  const types = step.types as ReadonlySet<EventType> | undefined;
  const scope = countScope(state, count.by, key);
  // A step that tests the type alone counts the walked events of its types without reading them.
  if (scope && step.typeOnly && types) return countUntil(state, scope.scope, scope.key, since, types, event.at, count.distinct);
  const distinct = count.distinct ? new Set<string | undefined>() : undefined;
  let counted = 0;
  const take = (item: IndexedEvent): boolean => {
    if (item.at > event.at || !step.predicate(item.event)) return true;
    if (distinct) distinct.add(item.entityKey);
    else counted += 1;
    return true;
  };
  if (scope) walkBack(state, scope.scope, scope.key, since, types, take);
  else if (count.by === 'namespace' && event.event.entity?.namespace) for (const item of state.eventsInNamespace(event.event.entity.namespace, since, types)) take(item);
  else if (count.by === 'cluster' && types) for (const type of types) for (const item of state.eventsOfType(type, since)) take(item);
  return distinct ? distinct.size : counted;
}

/** The keyed list a count `by` entity, owner or node walks (undefined: another list, or a pod on no node). */
function countScope(state: CorrelationState, by: CompiledCount['by'], key: string): { scope: Scope; key: string } | undefined {
  if (by === 'entity') return { scope: 'entity', key };
  if (by === 'owner') {
    const owner = state.rootOwner(key);
    return { scope: owner === key ? 'entity' : 'owner', key: owner };
  }
  if (by === 'node') {
    const node = state.nodeNameOf(key);
    return node ? { scope: 'node', key: node } : undefined;
  }
  return undefined;
}

function countSatisfied(state: CorrelationState, step: CompiledStep, event: IndexedEvent): number | undefined {
  if (!step.count) return 1;
  const value = countOf(state, step, event);
  return value > step.count.gt ? value : undefined;
}

function metricsHold(state: CorrelationState, step: CompiledStep, event: IndexedEvent): boolean {
  if (step.metricChecks.length === 0) return true;
  if (!event.entityKey) return false;
  return step.metricChecks.every((check) => anyOf(state, 'entity', event.entityKey as string, event.at - check.windowMs, undefined, (item) => item.at <= event.at && check.predicate(item.event)));
}

/** Events on the entities that can relate to `key` as `relation` says: a superset of the related ones, never the whole window. */
function relatedPool(state: CorrelationState, key: string, relation: EntityRelation, since: number, types: ReadonlySet<EventType> | undefined): IndexedEvent[] {
  const pools: IndexedEvent[][] = [];
  const family = () => {
    const root = state.rootOwner(key);
    pools.push(state.eventsOn(root, since, types));
    pools.push(state.eventsOnOwner(root, since, types));
  };
  const mounts = () => {
    for (const dependency of state.dependenciesOf(key)) pools.push(state.eventsOn(dependency, since, types));
    const users = new Set<string>();
    for (const type of ['MOUNTS', 'USES_SECRET', 'CLAIMS'] as const) for (const user of state.neighbours(key, type, 'in')) users.add(state.rootOwner(user));
    for (const user of users) {
      pools.push(state.eventsOn(user, since, types));
      pools.push(state.eventsOnOwner(user, since, types));
    }
  };
  const selects = () => {
    // Services selecting the entity, or a pod of it (for a workload); pods (and their owners) a Service selects.
    const selected = [key];
    for (const child of state.neighbours(key, 'OWNS', 'out')) selected.push(child, ...state.neighbours(child, 'OWNS', 'out'));
    const services = new Set<string>();
    for (const item of selected) for (const service of state.neighbours(item, 'SELECTS', 'in')) services.add(service);
    const targets = new Set<string>();
    for (const pod of state.neighbours(key, 'SELECTS', 'out')) {
      targets.add(pod);
      for (const owner of state.ownerChain(pod)) targets.add(owner);
    }
    for (const item of [...services, ...targets]) pools.push(state.eventsOn(item, since, types));
    // A Service's workloads by their selector, present or not (deleted, scaled to zero): its namespace's events; `related` decides.
    const namespace = entityKeyKind(key) === 'Service' ? parseEntityKey(key)?.namespace : undefined;
    if (namespace) pools.push(state.eventsInNamespace(namespace, since, types));
  };
  const node = () => {
    const name = state.nodeNameOf(key);
    if (name) pools.push(state.eventsOnNode(name, since, types));
  };
  const governed = () => {
    // Policies govern by namespace (quotas, limit ranges, autoscalers, budgets, network
    // policies) or cluster-wide (priority classes, nodes): the namespace's events, the node's,
    // and for a cluster-scoped entity every event of the step's types. A Namespace (its Pod
    // Security level) governs what it holds: its own events are not in its namespace's index.
    const ref = parseEntityKey(key);
    const namespace = ref?.namespace;
    if (namespace) pools.push(state.eventsInNamespace(namespace, since, types), state.eventsOn(entityKey({ kind: 'Namespace', name: namespace, ...(ref.cluster ? { cluster: ref.cluster } : {}) }), since, types));
    else if (types) for (const type of types) pools.push(state.eventsOfType(type, since));
    node();
  };
  switch (relation) {
    case 'same_entity':
      pools.push(state.eventsOn(key, since, types));
      break;
    case 'authorizes':
      // Bindings grant across namespaces (a ClusterRoleBinding), and a deleted one has lost its
      // edges: every event of the step's types (RBAC changes are few); `related` decides.
      if (types) for (const type of types) pools.push(state.eventsOfType(type, since));
      break;
    case 'governs':
      governed();
      break;
    case 'same_owner':
      family();
      break;
    case 'mounts':
      mounts();
      break;
    case 'selects':
      selects();
      break;
    case 'same_node':
    case 'same_node_other_owner':
      node();
      break;
    case 'related':
      family();
      mounts();
      selects();
      node();
      break;
    case 'same_namespace':
    case 'any':
      break;
  }
  if (pools.length === 1) return pools[0] as IndexedEvent[];
  const seen = new Set<string>();
  const merged: IndexedEvent[] = [];
  for (const pool of pools) {
    for (const item of pool) {
      if (seen.has(item.event.id)) continue;
      seen.add(item.event.id);
      merged.push(item);
    }
  }
  return merged;
}

function candidatesFor(state: CorrelationState, step: CompiledStep, before: IndexedEvent, withinMs: number, relation: EntityRelation): IndexedEvent[] {
  const since = before.at - withinMs;
  const types = step.types as ReadonlySet<EventType> | undefined;
  let pool: IndexedEvent[];
  if (before.entityKey && relation !== 'any' && relation !== 'same_namespace') pool = relatedPool(state, before.entityKey, relation, since, types);
  else if (relation === 'same_namespace' && before.event.entity?.namespace) pool = state.eventsInNamespace(before.event.entity.namespace, since, types);
  else if (step.namespaces) pool = [...step.namespaces].flatMap((namespace) => state.eventsInNamespace(namespace, since, types));
  else pool = types ? [...types].flatMap((type) => state.eventsOfType(type as EventType, since)) : [];
  return pool
    .filter((item) => item.at <= before.at && item.event.id !== before.event.id && step.predicate(item.event))
    .sort((a, b) => a.at - b.at || (a.event.id < b.event.id ? -1 : 1));
}

/**
 * True when the later step's entity already showed the later step's effect before the
 * candidate earlier step happened: a cause cannot explain trouble that started before it
 * (pods crash-looping before a ConfigMap edit were not broken by the edit).
 */
function alreadyHappening(state: CorrelationState, next: CompiledStep, after: IndexedEvent, candidate: IndexedEvent): boolean {
  if (!after.entityKey || after.entityKey === candidate.entityKey) return false;
  const since = candidate.at - Math.max(next.withinMs, next.count?.windowMs ?? 0);
  return anyOf(state, 'entity', after.entityKey, since, undefined, (item) => item.at < candidate.at && next.predicate(item.event));
}

/**
 * Matches one pattern with `event` as its last step: the earlier steps are searched
 * backwards in the recent-event index, each within its `within` of the next step and
 * related to it as the step says; the earliest satisfying chain wins (the root of a
 * chain is what the answer is about). Undefined when the pattern does not match.
 */
export function matchPattern(pattern: CompiledPattern, event: IndexedEvent, state: MatchState): PatternMatch | undefined {
  const steps = pattern.steps;
  const last = steps[steps.length - 1] as CompiledStep;
  if (last.types && !last.types.has(event.event.type)) return undefined;
  if (!pattern.inScope(event.event) || !last.predicate(event.event) || !metricsHold(state, last, event)) return undefined;
  if (steps.length > 1 && !earlierStepsPossible(steps, event, state)) return undefined;
  const triggerCount = countSatisfied(state, last, event);
  if (triggerCount === undefined) return undefined;
  if (steps.length === 1) return completeMatch(pattern, [event], triggerCount);

  const chain: IndexedEvent[] = new Array(steps.length);
  chain[steps.length - 1] = event;
  const search = (index: number): boolean => {
    if (index < 0) return true;
    const step = steps[index] as CompiledStep;
    const next = steps[index + 1] as CompiledStep;
    const after = chain[index + 1] as IndexedEvent;
    for (const candidate of candidatesFor(state, step, after, next.withinMs, next.relation).slice(0, MAX_CANDIDATES)) {
      if (!state.related(candidate.entityKey, after.entityKey, next.relation) && !(next.relation === 'authorizes' && (namesRevokedAccount(state, candidate, after.entityKey) || namesRevokedAccount(state, after, candidate.entityKey)))) continue;
      if (alreadyHappening(state, next, after, candidate)) continue;
      if (countSatisfied(state, step, candidate) === undefined || !metricsHold(state, step, candidate)) continue;
      chain[index] = candidate;
      if (search(index - 1)) return true;
    }
    return false;
  };
  return search(steps.length - 2) ? completeMatch(pattern, chain, triggerCount) : undefined;
}
