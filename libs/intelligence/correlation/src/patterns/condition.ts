import { canonicalEventType, type PatternCondition, type UnifiedEvent } from '@tapio/domain';
import { RE2JS } from 're2js';
import { compileField } from './field-path.js';

export type EventPredicate = (event: UnifiedEvent) => boolean;

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** Compiles one condition into a predicate; the schema has already checked operator and value shapes. */
export function compileCondition(condition: PatternCondition): EventPredicate {
  const read = compileField(condition.field);
  // Seed 002 names event types in the Kubernetes vocabulary (OOMKilled): read as Tapio's type.
  const expected = condition.field === 'type' ? (Array.isArray(condition.value) ? condition.value.map(canonicalEventType) : canonicalEventType(condition.value)) : condition.value;
  switch (condition.operator) {
    case 'equals':
      return (event) => read(event) === expected;
    case 'not_equals':
      return (event) => read(event) !== expected;
    case 'in': {
      const set = new Set(expected as unknown[]);
      return (event) => set.has(read(event));
    }
    case 'not_in': {
      const set = new Set(expected as unknown[]);
      return (event) => !set.has(read(event));
    }
    case 'gt':
      return (event) => (asNumber(read(event)) ?? Number.NaN) > (expected as number);
    case 'gte':
      return (event) => (asNumber(read(event)) ?? Number.NaN) >= (expected as number);
    case 'lt':
      return (event) => (asNumber(read(event)) ?? Number.NaN) < (expected as number);
    case 'lte':
      return (event) => (asNumber(read(event)) ?? Number.NaN) <= (expected as number);
    case 'matches': {
      // RE2: matching time is linear in the input, so no expression can stall the engine
      // (a backtracking RegExp took 8.9 s on a 27-character name). Pattern files are
      // checked at load; a pattern built in code with an expression RE2 refuses throws here.
      const pattern = RE2JS.compile(String(expected));
      return (event) => {
        const value = read(event);
        return value !== undefined && value !== null && pattern.matcher(String(value)).find();
      };
    }
    case 'exists':
      return (event) => read(event) !== undefined && read(event) !== null;
    case 'not_exists':
      return (event) => read(event) === undefined || read(event) === null;
  }
}

export function compileConditions(conditions: readonly PatternCondition[]): EventPredicate {
  const predicates = conditions.map(compileCondition);
  return (event) => predicates.every((predicate) => predicate(event));
}

/** Event types a condition list can match, when it pins `type` (for indexing patterns by type). */
export function typesOf(conditions: readonly PatternCondition[]): Set<string> | undefined {
  for (const condition of conditions) {
    if (condition.field !== 'type') continue;
    if (condition.operator === 'equals') return new Set([String(canonicalEventType(condition.value))]);
    if (condition.operator === 'in') return new Set((condition.value as unknown[]).map((value) => String(canonicalEventType(value))));
  }
  return undefined;
}

/**
 * Whether the conditions test the event type alone (one `type` condition that `typesOf`
 * reads): an event of the types `typesOf` gives passes them, so a search already restricted
 * to those types need not read the event.
 */
export function testsTypeOnly(conditions: readonly PatternCondition[]): boolean {
  return conditions.length === 1 && typesOf(conditions) !== undefined;
}

/** Values a condition list pins one of `fields` to (equals / in), e.g. the namespaces of a step; for narrowing index lookups. */
export function pinnedValues(conditions: readonly PatternCondition[], fields: readonly string[]): Set<string> | undefined {
  for (const condition of conditions) {
    if (!fields.includes(condition.field)) continue;
    if (condition.operator === 'equals') return new Set([String(condition.value)]);
    if (condition.operator === 'in') return new Set((condition.value as unknown[]).map(String));
  }
  return undefined;
}
