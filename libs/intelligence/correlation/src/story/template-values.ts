import { formatEntity, type EntityRef } from '@tapio/domain';
import type { PatternMatch } from '../patterns/pattern-matcher.js';
import type { WorkingState } from '../state/working-state.js';
import { refOf } from './entity-refs.js';

/**
 * The values a pattern's `story`, `nextChecks` and prediction message may name:
 * {{pattern}}, {{root}}, {{count}}, {{symptoms}}, {{pods}}, {{users}} (pods that use the root,
 * when pods mount or claim it) and {{pending}} (those of them not failing yet: the predicted
 * impact), and for every step {{<step>.entity}}, {{<step>.time}}, {{<step>.message}},
 * {{<step>.container}} (when the event names one) and {{<step>.metrics.<name>}} for each
 * metric of its event ({{growth.metrics.memory.minutes_to_limit}}).
 */
export function templateValues(state: WorkingState, match: PatternMatch, rootRef: EntityRef, counts: { symptoms: number; pods: number; users?: number }): Record<string, string> {
  const values: Record<string, string> = {
    pattern: match.pattern.name,
    root: formatEntity(rootRef),
    count: String(match.count),
    symptoms: String(counts.symptoms),
    pods: String(counts.pods),
    users: String(counts.users ?? 0),
    pending: String(Math.max(0, (counts.users ?? 0) - counts.pods)),
  };
  match.pattern.steps.forEach((step, index) => {
    const event = match.events[index];
    if (!event) return;
    values[`${step.id}.entity`] = event.entityKey ? formatEntity(refOf(event.entityKey, state)) : '';
    values[`${step.id}.time`] = event.event.timestamp;
    values[`${step.id}.message`] = event.event.message;
    const container = event.event.kubernetes?.container;
    if (container) values[`${step.id}.container`] = container;
    for (const [name, value] of Object.entries(event.event.metrics ?? {})) values[`${step.id}.metrics.${name}`] = String(value);
  });
  return values;
}
