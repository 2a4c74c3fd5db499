import { hostname } from 'node:os';
import { Duration, z } from '@tapio/plugin-api';

/** The plugin's section of tapio.yaml (`collectors.heartbeat`). */
export const HeartbeatConfig = z
  .object({
    /** Node name the heartbeats are about; the host name by default. */
    node: z.string().min(1).default(() => hostname()),
    /** How often to report, e.g. 30s. */
    interval: Duration.default('30s'),
    /** Share of memory available below which the node counts as under memory pressure. */
    memoryPressureRatio: z.number().min(0).max(1).default(0.1),
  })
  .strict();
export type HeartbeatConfig = z.infer<typeof HeartbeatConfig>;
