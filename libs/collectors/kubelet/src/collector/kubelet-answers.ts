import { z } from '@tapio/plugin-api';
import { parseQuantity } from './quantity.js';

const Quantity = z.string().transform((text, ctx) => {
  try {
    return parseQuantity(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});
const Resources = z.object({ limits: z.record(z.string(), Quantity).optional(), requests: z.record(z.string(), Quantity).optional() }).optional();

/** The parts of the kubelet's `/pods` (a v1 PodList) the collector reads: each container's limits. */
export const KubeletPodList = z.object({
  kind: z.literal('PodList'),
  items: z.array(
    z.object({
      metadata: z.object({ name: z.string().min(1), namespace: z.string().min(1), uid: z.string().min(1) }),
      spec: z.object({ containers: z.array(z.object({ name: z.string().min(1), resources: Resources })) }),
      status: z.object({ phase: z.string().optional() }).optional(),
    }),
  ),
});
export type KubeletPodList = z.infer<typeof KubeletPodList>;

const Cpu = z.object({ time: z.string(), usageNanoCores: z.number().nonnegative().optional() }).optional();
const Memory = z.object({ time: z.string(), workingSetBytes: z.number().nonnegative().optional(), availableBytes: z.number().nonnegative().optional() }).optional();
const Fs = z.object({ time: z.string().optional(), usedBytes: z.number().nonnegative().optional(), availableBytes: z.number().nonnegative().optional(), capacityBytes: z.number().nonnegative().optional(), inodesFree: z.number().nonnegative().optional(), inodes: z.number().nonnegative().optional() }).optional();

/** The parts of the kubelet's `/stats/summary` the collector reads. */
export const KubeletSummary = z.object({
  node: z.object({
    nodeName: z.string().min(1),
    memory: Memory,
    fs: Fs,
    rlimit: z.object({ time: z.string().optional(), maxpid: z.number().nonnegative().optional(), curproc: z.number().nonnegative().optional() }).optional(),
  }),
  pods: z
    .array(
      z.object({
        podRef: z.object({ name: z.string().min(1), namespace: z.string().min(1), uid: z.string().min(1) }),
        containers: z.array(z.object({ name: z.string().min(1), cpu: Cpu, memory: Memory, rootfs: Fs, logs: Fs })).default([]),
        'ephemeral-storage': Fs,
        process_stats: z.object({ process_count: z.number().nonnegative().optional() }).optional(),
      }),
    )
    .default([]),
});
export type KubeletSummary = z.infer<typeof KubeletSummary>;

/** Parses one kubelet answer; the error names the endpoint and the first wrong field. */
export function parseAnswer<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new Error(`kubelet ${path} answer of the wrong shape: ${issue?.path.join('.') || '(root)'} ${issue?.message ?? 'invalid'}`);
}
