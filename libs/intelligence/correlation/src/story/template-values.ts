import { formatEntity, type EntityRef } from '@tapio/domain';
import type { PatternMatch } from '../patterns/pattern-matcher.js';
import type { CausalPath } from '../rootcause/find-root-cause.js';
import type { WorkingState } from '../state/working-state.js';
import { refOf } from './entity-refs.js';

/**
 * The values a pattern's `story`, `nextChecks` and prediction message may name:
 * {{pattern}}, {{root}}, {{count}}, {{symptoms}}, {{pods}}, {{users}} (pods that use the root,
 * when pods mount or claim it) and {{pending}} (those of them not failing yet: the predicted
 * impact), and for every step {{<step>.entity}}, {{<step>.time}}, {{<step>.message}},
 * {{<step>.container}} (when the event names one), {{<step>.metrics.<name>}} for each
 * metric of its event ({{growth.metrics.memory.minutes_to_limit}}) and {{<step>.cause}}: why
 * the step happened as the causal link into it on the incident's path says ("Deployment
 * shop/checkout scaled 3 -> 1 while PodDisruptionBudget shop/checkout requires minAvailable
 * 2"), or the step's own message when nothing on the path caused it.
 */
export function templateValues(
  state: WorkingState,
  match: PatternMatch,
  rootRef: EntityRef,
  counts: { symptoms: number; pods: number; users?: number },
  path: Pick<CausalPath, 'edges'> = { edges: [] },
): Record<string, string> {
  const causeOf = new Map(path.edges.map((edge) => [edge.toEventId, edge.reason]));
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
    values[`${step.id}.cause`] = causeOf.get(event.event.id) ?? event.event.message;
    const container = event.event.kubernetes?.container;
    if (container) values[`${step.id}.container`] = container;
    for (const [name, value] of Object.entries(event.event.metrics ?? {})) values[`${step.id}.metrics.${name}`] = String(value);
  });
  return values;
}
