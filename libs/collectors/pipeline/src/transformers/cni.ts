import { z } from 'zod';
import { makeUnifiedEvent, type RawEvent, type RawEventTransformer, type TransformContext, type UnifiedEvent } from '@tapio/domain';

/** A CNI plugin's policy verdict (Calico / Cilium flow logs reduce to this). */
const NetworkPolicyVerdict = z.object({
  pod: z.string().min(1),
  namespace: z.string().min(1),
  policy: z.string().optional(),
  direction: z.enum(['ingress', 'egress']).default('egress'),
  src_ip: z.string().optional(),
  dst_ip: z.string().optional(),
  dst_port: z.number().int().optional(),
  protocol: z.string().default('TCP'),
  action: z.enum(['deny', 'drop', 'allow']).default('deny'),
});

/** Seed 000 mapping table, CNI row: NetworkPolicy → network_policy_violation (traffic blocked). */
export const cniTransformer: RawEventTransformer = {
  sources: ['cni', 'cni_collector'],
  transform(raw: RawEvent, context: TransformContext): UnifiedEvent[] {
    if (raw.type !== 'NetworkPolicy') throw new Error(`cni: unknown raw type "${raw.type}" (expected NetworkPolicy)`);
    const parsed = NetworkPolicyVerdict.safeParse(raw.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`cni NetworkPolicy: data.${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
    }
    const data = parsed.data;
    if (data.action === 'allow') return [];
    const cluster = raw.metadata['cluster'] ?? context.cluster;
    const entity = { kind: 'Pod', name: data.pod, namespace: data.namespace, cluster };
    const peer = data.direction === 'egress' ? data.dst_ip : data.src_ip;
    return [
      makeUnifiedEvent(raw, context, 'network_policy_violation', 'network_policy_violation', {
        entity,
        k8sContext: { ...entity, ...(raw.metadata['node'] ? { nodeName: raw.metadata['node'] } : {}) },
        network: {
          protocol: data.protocol,
          state: data.action,
          ...(data.src_ip ? { srcIp: data.src_ip } : {}),
          ...(data.dst_ip ? { dstIp: data.dst_ip } : {}),
          ...(data.dst_port !== undefined ? { dstPort: data.dst_port } : {}),
        },
        message: `${data.direction} traffic of ${data.namespace}/${data.pod}${peer ? ` with ${peer}` : ''}${data.dst_port ? `:${data.dst_port}` : ''} blocked${data.policy ? ` by NetworkPolicy ${data.policy}` : ''}`,
        ...(data.policy ? { correlationHints: [`${cluster}/NetworkPolicy/${data.namespace}/${data.policy}`] } : {}),
      }),
    ];
  },
};
