import { z } from 'zod';

export const HealthStatus = z.enum(['ok', 'degraded', 'down', 'starting', 'stopped']);
export type HealthStatus = z.infer<typeof HealthStatus>;

export const ComponentHealth = z.object({
  status: HealthStatus,
  /** Why it is not ok, in words an operator can act on. */
  reason: z.string().optional(),
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type ComponentHealth = z.infer<typeof ComponentHealth>;

/** Anything with a start/stop lifecycle and a health report. */
export interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): ComponentHealth;
}
