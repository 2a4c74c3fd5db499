import type { EventType, IndexedEvent } from '@tapio/domain';

export const SCALED: ReadonlySet<EventType> = new Set<EventType>(['workload_scaled']);

/** The replica counts of a `spec.replicas` change, when the event carries them (the transformer's diff). */
export function replicasChange(item: IndexedEvent): { before: number; after: number } | undefined {
  const change = item.event.kubernetes?.changes?.find((entry) => entry.path === 'spec.replicas');
  const before = Number(change?.before);
  const after = Number(change?.after);
  return change && Number.isFinite(before) && Number.isFinite(after) ? { before, after } : undefined;
}

/** Whether the event lowered a workload's `spec.replicas` (a scale-down by hand, an autoscaler, a GitOps sync). */
export function isScaleDown(item: IndexedEvent): boolean {
  const change = replicasChange(item);
  return change !== undefined && change.after < change.before;
}
