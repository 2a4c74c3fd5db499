import { z } from '@tapio/plugin-api';

/** The RawEvent `source` this package's collector stamps and its transformer handles. */
export const HEARTBEAT_SOURCE = 'heartbeat';

/** `data` of a Heartbeat RawEvent: what the node reported, plus the threshold it was configured with. */
export const HeartbeatData = z.object({
  node: z.string().min(1),
  load1: z.number().nonnegative(),
  memAvailableBytes: z.number().nonnegative(),
  memTotalBytes: z.number().positive(),
  uptimeSeconds: z.number().nonnegative(),
  /** Epoch ms the node booted at (now - uptime), how a reboot is recognised. */
  bootedAt: z.number().int().nonnegative(),
  /** Below this share of available memory the node is reported under memory pressure. */
  memoryPressureRatio: z.number().min(0).max(1),
});
export type HeartbeatData = z.infer<typeof HeartbeatData>;
