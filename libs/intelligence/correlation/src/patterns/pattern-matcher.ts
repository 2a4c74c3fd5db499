import type { CorrelationState, IndexedEvent } from '@tapio/domain';
import type { CompiledPattern, CompiledStep } from './compiled-pattern.js';

export interface PatternMatch {
  pattern: CompiledPattern;
  /** One event per step, in step order. */
  events: IndexedEvent[];
  /** Events counted by the trigger step's count requirement (1 without one). */
  count: number;
}

const MAX_CANDIDATES = 25;

function countGroup(state: CorrelationState, step: CompiledStep, event: IndexedEvent): IndexedEvent[] {
  const count = step.count;
  if (!count || !event.entityKey) return [event];
  const since = event.at - count.windowMs;
  let pool: IndexedEvent[];
  switch (count.by) {
    case 'entity':
      pool = state.eventsOn(event.entityKey, since);
      break;
    case 'owner': {
      const owner = state.rootOwner(event.entityKey);
      pool = owner === event.entityKey ? state.eventsOn(owner, since) : state.eventsOnOwner(owner, since);
      break;
    }
    case 'node': {
      const node = state.nodeNameOf(event.entityKey);
      pool = node ? state.eventsOnNode(node, since) : [];
      break;
    }
    case 'namespace':
      pool = event.event.entity?.namespace ? state.eventsInNamespace(event.event.entity.namespace, since) : [];
      break;
    case 'cluster':
      pool = step.types ? [...step.types].flatMap((type) => state.eventsOfType(type as never, since)) : [];
      break;
  }
  return pool.filter((item) => item.at <= event.at && step.predicate(item.event));
}

function countSatisfied(state: CorrelationState, step: CompiledStep, event: IndexedEvent): number | undefined {
  if (!step.count) return 1;
  const group = countGroup(state, step, event);
  const value = step.count.distinct ? new Set(group.map((item) => item.entityKey)).size : group.length;
  return value > step.count.gt ? value : undefined;
}

function metricsHold(state: CorrelationState, step: CompiledStep, event: IndexedEvent): boolean {
  if (step.metricChecks.length === 0) return true;
  if (!event.entityKey) return false;
  return step.metricChecks.every((check) => state.eventsOn(event.entityKey as string, event.at - check.windowMs).some((item) => item.at <= event.at && check.predicate(item.event)));
}

function candidatesFor(state: CorrelationState, step: CompiledStep, before: IndexedEvent, withinMs: number): IndexedEvent[] {
  const since = before.at - withinMs;
  const pool = step.types ? [...step.types].flatMap((type) => state.eventsOfType(type as never, since)) : [];
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
  return state.eventsOn(after.entityKey, since).some((item) => item.at < candidate.at && next.predicate(item.event));
}

/**
 * Matches one pattern with `event` as its last step: the earlier steps are searched
 * backwards in the recent-event index, each within its `within` of the next step and
 * related to it as the step says; the earliest satisfying chain wins (the root of a
 * chain is what the answer is about). Undefined when the pattern does not match.
 */
export function matchPattern(pattern: CompiledPattern, event: IndexedEvent, state: CorrelationState): PatternMatch | undefined {
  const steps = pattern.steps;
  const last = steps[steps.length - 1] as CompiledStep;
  if (last.types && !last.types.has(event.event.type)) return undefined;
  if (!pattern.inScope(event.event) || !last.predicate(event.event) || !metricsHold(state, last, event)) return undefined;
  const triggerCount = countSatisfied(state, last, event);
  if (triggerCount === undefined) return undefined;
  if (steps.length === 1) return { pattern, events: [event], count: triggerCount };

  const chain: IndexedEvent[] = new Array(steps.length);
  chain[steps.length - 1] = event;
  const search = (index: number): boolean => {
    if (index < 0) return true;
    const step = steps[index] as CompiledStep;
    const next = steps[index + 1] as CompiledStep;
    const after = chain[index + 1] as IndexedEvent;
    for (const candidate of candidatesFor(state, step, after, next.withinMs).slice(0, MAX_CANDIDATES)) {
      if (!state.related(candidate.entityKey, after.entityKey, next.relation)) continue;
      if (alreadyHappening(state, next, after, candidate)) continue;
      if (countSatisfied(state, step, candidate) === undefined || !metricsHold(state, step, candidate)) continue;
      chain[index] = candidate;
      if (search(index - 1)) return true;
    }
    return false;
  };
  return search(steps.length - 2) ? { pattern, events: chain, count: triggerCount } : undefined;
}
