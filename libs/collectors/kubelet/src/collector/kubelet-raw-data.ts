import { z } from '@tapio/plugin-api';

const PodRef = z.object({ name: z.string().min(1), namespace: z.string().min(1), uid: z.string().min(1) }).strict();
const Bytes = z.number().nonnegative();
const Base = { node: z.string().min(1), time: z.iso.datetime({ offset: true }) };

/** An eviction signal crossing its threshold, either way: the data of node_pressure and node_pressure_relieved. */
const NodePressureCrossing = z
  .object({
    ...Base,
    resource: z.enum(['memory', 'disk', 'pid']),
    signal: z.string().min(1),
    observed: z.number(),
    threshold: z.number(),
    unit: z.enum(['bytes', 'percent']),
  })
  .strict();

/** The data of each RawEvent type of source `kubelet_api`, shared by collector and transformer. */
export const KUBELET_RAW_DATA = {
  /** One container's memory working set and CPU against its limits (from /stats/summary and /pods). */
  container_usage: z
    .object({
      ...Base,
      pod: PodRef,
      container: z.string().min(1),
      memory: z.object({ workingSetBytes: Bytes, limitBytes: Bytes.positive().optional() }).strict(),
      cpu: z.object({ usageMillicores: z.number().nonnegative(), limitMillicores: z.number().positive().optional() }).strict().optional(),
    })
    .strict(),
  /** One pod's ephemeral storage against its limit and its process count. */
  pod_usage: z
    .object({
      ...Base,
      pod: PodRef,
      ephemeralStorage: z.object({ usedBytes: Bytes, limitBytes: Bytes.positive().optional() }).strict().optional(),
      pids: z.object({ count: z.number().int().nonnegative() }).strict().optional(),
    })
    .strict(),
  /** A container's working set grows toward its limit: the line through the recent samples reaches it in minutesToLimit. */
  memory_trend: z
    .object({
      ...Base,
      pod: PodRef,
      container: z.string().min(1),
      workingSetBytes: Bytes,
      limitBytes: Bytes.positive(),
      growthBytesPerMinute: z.number().positive(),
      minutesToLimit: z.number().nonnegative(),
      samples: z.number().int().min(2),
      /** R² of the line through the samples (absent in recordings made before it was reported). */
      fit: z.number().min(0).max(1).optional(),
    })
    .strict(),
  /** An eviction signal of the node crossed its threshold, as the kubelet's eviction manager will see it. */
  node_pressure: NodePressureCrossing,
  /** The same signal back on the right side of its threshold. */
  node_pressure_relieved: NodePressureCrossing,
} as const;
export type KubeletRawType = keyof typeof KUBELET_RAW_DATA;
export type KubeletRawData<T extends KubeletRawType> = z.infer<(typeof KUBELET_RAW_DATA)[T]>;
export const KUBELET_API_SOURCE = 'kubelet_api';
