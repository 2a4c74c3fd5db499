import { OwnerReference } from '@tapio/domain';
import { z } from 'zod';

/** RawEvent.type values of source `dns`. */
export const DNS_RAW_TYPES = ['dns_response', 'dns_timeout'] as const;
export const DnsRawType = z.enum(DNS_RAW_TYPES);
export type DnsRawType = z.infer<typeof DnsRawType>;

const RawPod = z.object({
  namespace: z.string().min(1),
  name: z.string().min(1),
  uid: z.string().min(1),
  labels: z.record(z.string(), z.string()).optional(),
  ownerReferences: z.array(OwnerReference).optional(),
});

export const DnsWorkload = z.object({
  kind: z.enum(['pod', 'host']),
  cgroupId: z.string(),
  cgroupPath: z.string().optional(),
  podUid: z.string().optional(),
  containerId: z.string().optional(),
  container: z.string().optional(),
  systemdUnit: z.string().optional(),
  pod: RawPod.optional(),
  /** How the pod was found: its cgroup, or the client address (pods in cgroups Tapio cannot see). */
  attributedBy: z.enum(['cgroup', 'ip']).optional(),
});
export type DnsWorkload = z.infer<typeof DnsWorkload>;

const exchange = {
  node: z.string().min(1),
  bootNs: z.string(),
  workload: DnsWorkload,
  protocol: z.enum(['udp', 'tcp']),
  clientIp: z.string(),
  clientPort: z.number().int().min(0).max(65535),
  serverIp: z.string(),
  serverPort: z.number().int().min(0).max(65535),
  id: z.number().int().min(0).max(65535),
  query: z.string().min(1),
  queryType: z.string().min(1),
  attempts: z.number().int().positive(),
};

/** An answer that failed (rcode other than NOERROR) or came slowly. */
export const DnsResponseData = z.object({
  ...exchange,
  rcode: z.string().min(1),
  latencyMs: z.number().nonnegative(),
  answers: z.number().int().nonnegative(),
  truncated: z.boolean(),
  slow: z.boolean(),
});
export type DnsResponseData = z.infer<typeof DnsResponseData>;

/** A question with no answer within the timeout. */
export const DnsTimeoutData = z.object({ ...exchange, waitedMs: z.number().nonnegative() });
export type DnsTimeoutData = z.infer<typeof DnsTimeoutData>;
