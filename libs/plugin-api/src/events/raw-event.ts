import { z } from 'zod';

/**
 * What a collector emits, before any interpretation. `data` is the collector's own
 * JSON payload (for `kubeapi`, the watch event exactly as the API server sent it).
 * `trace_id` / `span_id` (seed 001's wire spelling) are accepted and normalised.
 */
const RawEventShape = z.object({
  timestamp: z.iso.datetime({ offset: true }),
  type: z.string().min(1),
  source: z.string().min(1),
  data: z.unknown(),
  metadata: z.record(z.string(), z.string()).default({}),
  traceId: z.string().min(1).optional(),
  spanId: z.string().min(1).optional(),
});

export const RawEvent = z.preprocess((input) => {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  const record = input as Record<string, unknown>;
  if (record['trace_id'] === undefined && record['span_id'] === undefined) return input;
  const { trace_id, span_id, ...rest } = record;
  return { ...rest, traceId: rest['traceId'] ?? trace_id, spanId: rest['spanId'] ?? span_id };
}, RawEventShape);
export type RawEvent = z.infer<typeof RawEventShape>;

/** Collector names used as `RawEvent.source` by the built-in collectors. */
export const RAW_SOURCES = ['kubeapi', 'kubelet', 'kernel', 'dns', 'cni', 'cri', 'etcd', 'systemd', 'config', 'ebpf'] as const;
