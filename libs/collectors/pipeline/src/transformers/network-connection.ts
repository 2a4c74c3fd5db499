import { z } from 'zod';
import { makeUnifiedEvent, type RawEvent, type RawEventTransformer, type TransformContext, type UnifiedEvent } from '@tapio/domain';

/** Seed 000's eBPF NetworkConnection payload. */
const NetworkConnection = z.object({
  src_pod: z.string().min(1),
  namespace: z.string().optional(),
  dst_service: z.string().optional(),
  dst_ip: z.string().optional(),
  dst_port: z.number().int().optional(),
  protocol: z.string().default('TCP'),
  state: z.string().min(1),
  attempts: z.number().int().nonnegative().default(1),
});

const REFUSED_STATES = new Set(['connection_refused', 'refused', 'ECONNREFUSED']);
const NO_ENDPOINT_STATES = new Set(['service_unavailable', 'no_endpoints']);

/**
 * Seed 000 mapping table, eBPF rows: NetworkConnection → connection_failed (TCP
 * connection refused) or service_unavailable (the Service has no endpoints).
 */
export const networkConnectionTransformer: RawEventTransformer = {
  sources: ['ebpf', 'ebpf_collector'],
  transform(raw: RawEvent, context: TransformContext): UnifiedEvent[] {
    if (raw.type !== 'NetworkConnection') throw new Error(`ebpf: unknown raw type "${raw.type}" (expected NetworkConnection)`);
    const parsed = NetworkConnection.safeParse(raw.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`ebpf NetworkConnection: data.${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
    }
    const data = parsed.data;
    const cluster = raw.metadata['cluster'] ?? context.cluster;
    const namespace = data.namespace ?? raw.metadata['k8s_namespace'];
    const entity = { kind: 'Pod', name: data.src_pod, cluster, ...(namespace ? { namespace } : {}) };
    const network = {
      protocol: data.protocol,
      state: data.state,
      attempts: data.attempts,
      ...(data.dst_service ? { dstService: data.dst_service } : {}),
      ...(data.dst_ip ? { dstIp: data.dst_ip } : {}),
      ...(data.dst_port !== undefined ? { dstPort: data.dst_port } : {}),
    };
    const target = data.dst_service ?? `${data.dst_ip ?? '?'}:${data.dst_port ?? '?'}`;
    const k8sContext = { ...entity, ...(raw.metadata['node'] ? { nodeName: raw.metadata['node'] } : {}) };
    const hints = data.dst_service && namespace ? [`${cluster}/Service/${namespace}/${data.dst_service}`] : undefined;
    if (REFUSED_STATES.has(data.state)) {
      return [
        makeUnifiedEvent(raw, context, 'connection_failed', 'connection_failed', {
          entity,
          k8sContext,
          network,
          message: `${data.protocol} connection from ${data.src_pod} to ${target} refused (${data.attempts} attempts)`,
          ...(hints ? { correlationHints: hints } : {}),
        }),
      ];
    }
    if (NO_ENDPOINT_STATES.has(data.state)) {
      return [
        makeUnifiedEvent(raw, context, 'service_unavailable', 'service_unavailable', {
          entity: data.dst_service && namespace ? { kind: 'Service', name: data.dst_service, namespace, cluster } : entity,
          k8sContext,
          network,
          message: `Service ${target} has no endpoints; ${data.src_pod} cannot reach it`,
          ...(hints ? { correlationHints: hints } : {}),
        }),
      ];
    }
    return [];
  },
};
