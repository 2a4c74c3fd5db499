import type { EventType, IndexedEvent } from '@tapio/domain';

export const SCALED: ReadonlySet<EventType> = new Set<EventType>(['workload_scaled']);

/** The replica counts of a `spec.replicas` change, when the event carries them (the transformer's diff; an added or removed field has no count). */
export function replicasChange(item: IndexedEvent): { before: number; after: number } | undefined {
  const change = item.event.kubernetes?.changes?.find((entry) => entry.path === 'spec.replicas');
  if (!change || change.before === undefined || change.after === undefined || change.before === '' || change.after === '') return undefined;
  const before = Number(change.before);
  const after = Number(change.after);
  return Number.isFinite(before) && Number.isFinite(after) ? { before, after } : undefined;
}

/** A `spec.replicas` change that lowered it (a scale-down by hand, an autoscaler, a GitOps sync), or undefined. */
export function replicasLowered(item: IndexedEvent): { before: number; after: number } | undefined {
  const change = replicasChange(item);
  return change && change.after < change.before ? change : undefined;
}

/** Whether the event lowered a workload's `spec.replicas`. */
export function isScaleDown(item: IndexedEvent): boolean {
  return replicasLowered(item) !== undefined;
}
