import { z } from 'zod';
import { makeUnifiedEvent, type RawEvent, type RawEventTransformer, type TransformContext, type UnifiedEvent } from '@tapio/domain';

const KubeletContainer = z.object({
  name: z.string(),
  restartCount: z.number().int().nonnegative().default(0),
  ready: z.boolean().optional(),
  lastState: z
    .object({ terminated: z.object({ reason: z.string().optional(), exitCode: z.number().int().optional() }).optional() })
    .optional(),
});

/** Seed 000's kubelet payload. */
const KubeletPodStatus = z.object({
  pod: z.string().min(1),
  namespace: z.string().min(1),
  uid: z.string().optional(),
  phase: z.string().optional(),
  reason: z.string().optional(),
  ready: z.boolean().optional(),
  containers: z.array(KubeletContainer).default([]),
});

function parse(raw: RawEvent): z.infer<typeof KubeletPodStatus> {
  const result = KubeletPodStatus.safeParse(raw.data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`kubelet ${raw.type}: data.${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

/**
 * Seed 000 mapping table, kubelet rows: PodStatusUpdate → pod_failed (phase Failed)
 * or pod_restart (a container restarted); PodReady → pod_ready.
 */
export const kubeletTransformer: RawEventTransformer = {
  sources: ['kubelet', 'kubelet_collector'],
  transform(raw: RawEvent, context: TransformContext): UnifiedEvent[] {
    if (raw.type !== 'PodStatusUpdate' && raw.type !== 'PodReady') {
      throw new Error(`kubelet: unknown raw type "${raw.type}" (expected PodStatusUpdate or PodReady)`);
    }
    const data = parse(raw);
    const cluster = raw.metadata['cluster'] ?? context.cluster;
    const node = raw.metadata['node'];
    const k8sContext = {
      cluster,
      kind: 'Pod',
      name: data.pod,
      namespace: data.namespace,
      ...(data.uid ? { uid: data.uid } : {}),
      ...(node ? { nodeName: node } : {}),
    };
    const entity = { kind: 'Pod', name: data.pod, namespace: data.namespace, cluster };
    const base = { k8sContext, entity, annotations: { raw_type: raw.type } };

    if (raw.type === 'PodReady') {
      return [makeUnifiedEvent(raw, context, 'pod_ready', 'pod_ready', { ...base, message: `Pod ${data.namespace}/${data.pod} became ready` })];
    }
    if (data.phase === 'Failed') {
      const terminated = data.containers.find((container) => container.lastState?.terminated)?.lastState?.terminated;
      const reason = data.reason ?? terminated?.reason ?? 'unknown reason';
      return [
        makeUnifiedEvent(raw, context, 'pod_failed', 'pod_failed', {
          ...base,
          message: `Pod ${data.pod} failed: ${reason}`,
          kubernetes: { reason, ...(terminated?.exitCode !== undefined ? { exitCode: terminated.exitCode } : {}) },
        }),
      ];
    }
    const restarted = data.containers.find((container) => container.restartCount > 0);
    if (restarted) {
      const terminated = restarted.lastState?.terminated;
      return [
        makeUnifiedEvent(raw, context, 'pod_restart', `pod_restart:${restarted.name}`, {
          ...base,
          message: `Container ${restarted.name} restarted ${restarted.restartCount} times`,
          kubernetes: {
            container: restarted.name,
            restartCount: restarted.restartCount,
            ...(terminated?.reason ? { reason: terminated.reason } : {}),
            ...(terminated?.exitCode !== undefined ? { exitCode: terminated.exitCode } : {}),
          },
        }),
      ];
    }
    return [];
  },
};
