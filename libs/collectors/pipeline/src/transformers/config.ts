import { z } from 'zod';
import { makeUnifiedEvent, type RawEvent, type RawEventTransformer, type TransformContext, type UnifiedEvent } from '@tapio/domain';

const ConfigUpdate = z.object({
  name: z.string().min(1),
  namespace: z.string().min(1),
  uid: z.string().optional(),
  changedKeys: z.array(z.string()).default([]),
  version: z.string().optional(),
});

const KINDS = { ConfigMapUpdate: 'ConfigMap', SecretUpdate: 'Secret' } as const;

/** Seed 000 mapping table, Config rows: ConfigMapUpdate → config_changed, SecretUpdate → secret_changed. */
export const configTransformer: RawEventTransformer = {
  sources: ['config', 'config_collector'],
  transform(raw: RawEvent, context: TransformContext): UnifiedEvent[] {
    const kind = KINDS[raw.type as keyof typeof KINDS];
    if (!kind) throw new Error(`config: unknown raw type "${raw.type}" (expected ConfigMapUpdate or SecretUpdate)`);
    const parsed = ConfigUpdate.safeParse(raw.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`config ${raw.type}: data.${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
    }
    const data = parsed.data;
    const cluster = raw.metadata['cluster'] ?? context.cluster;
    const entity = { kind, name: data.name, namespace: data.namespace, cluster, ...(data.uid ? { uid: data.uid } : {}) };
    const keys = data.changedKeys.length ? ` (keys: ${data.changedKeys.join(', ')})` : '';
    return [
      makeUnifiedEvent(raw, context, kind === 'ConfigMap' ? 'config_changed' : 'secret_changed', 'changed', {
        entity,
        k8sContext: entity,
        message: `${kind} ${data.namespace}/${data.name} was modified${keys}`,
        kubernetes: {
          changes: data.changedKeys.map((key) => ({ path: `data.${key}`, op: 'changed' as const })),
        },
      }),
    ];
  },
};
