import type { EventType } from '@tapio/plugin-api';

/**
 * Seed 002 writes its BehaviorPattern examples in the Kubernetes vocabulary of its time: the
 * oom-cascade example matches `type equals "OOMKilled"`, the container status reason. Tapio's
 * event type for that fact is `oom_killed` (from the Kubernetes API, containerd and the
 * kubelet alike). This is the one mapping that lets the seed's pattern load unchanged; a
 * `type` value that is neither an event type nor listed here is still a load error.
 */
export const SEED_EVENT_TYPE_ALIASES: Readonly<Record<string, EventType>> = {
  OOMKilled: 'oom_killed',
};

/** The event type a pattern's `type` value names: itself, or what the seed's name stands for. */
export function canonicalEventType(value: unknown): unknown {
  return typeof value === 'string' && Object.hasOwn(SEED_EVENT_TYPE_ALIASES, value) ? SEED_EVENT_TYPE_ALIASES[value] : value;
}

/**
 * A `type: metric` condition names a metric of the event: `memory.usage_percent` reads
 * `metrics["memory.usage_percent"]` (the kubelet collector's resource_usage events carry it).
 * A field written with the `metrics.` prefix reads the same.
 */
export function metricFieldPath(field: string): string {
  return field.startsWith('metrics.') ? field : `metrics.${field}`;
}
