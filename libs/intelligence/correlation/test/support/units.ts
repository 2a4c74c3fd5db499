import { BehaviorPattern, type Correlation, type IndexedEvent, type UnifiedEvent } from '@tapio/domain';
import { compilePattern, type CompiledPattern } from '../../src/patterns/compiled-pattern.js';
import { matchPattern, type PatternMatch } from '../../src/patterns/pattern-matcher.js';
import { WorkingState, type WorkingStateOptions } from '../../src/state/working-state.js';

type Spec = Record<string, unknown>;

/** A BehaviorPattern as a pattern file would give it (validated by the schema), with `spec` on top of a one-condition default. */
export function behaviorPattern(name: string, spec: Spec = {}): BehaviorPattern {
  return BehaviorPattern.parse({
    apiVersion: 'behavior.tapio.io/v1',
    kind: 'BehaviorPattern',
    metadata: { name },
    spec: {
      ...(spec['sequence'] ? {} : { conditions: [{ field: 'type', operator: 'equals', value: 'pod_restart' }] }),
      predictions: [{ type: 'service_degradation', confidence_base: 0.8, message: `${name} predicted` }],
      ...spec,
    },
  });
}

export function compiled(name: string, spec: Spec = {}): CompiledPattern {
  return compilePattern(behaviorPattern(name, spec));
}

/** Every event into a fresh working state; the state, and a lookup of an event's indexed form. */
export function indexAll(events: readonly UnifiedEvent[], options: WorkingStateOptions = {}): { state: WorkingState; indexed: (event: UnifiedEvent) => IndexedEvent } {
  const state = new WorkingState(options);
  for (const event of events) state.add(event);
  return {
    state,
    indexed: (event) => {
      const found = state.get(event.id);
      if (!found) throw new Error(`event ${event.id} is not in the working state`);
      return found;
    },
  };
}

/** The pattern matched with `trigger` as its last step, or a failed test. */
export function mustMatch(pattern: CompiledPattern, trigger: IndexedEvent, state: WorkingState): PatternMatch {
  const match = matchPattern(pattern, trigger, state);
  if (!match) throw new Error(`pattern ${pattern.name} does not match event ${trigger.event.id}`);
  return match;
}

/** A causal edge as a correlator would report it. */
export function caused(from: UnifiedEvent, to: UnifiedEvent, confidence = 0.9, kind: Correlation['kind'] = 'CAUSED'): Correlation {
  return { kind, fromEventId: from.id, toEventId: to.id, confidence, reason: `${from.type} explains ${to.type}`, correlator: 'test' };
}
