import { makeUnifiedEvent, type EventType, type RawEvent, type RawEventTransformer, type Severity, type TransformContext, type UnifiedEvent, type UnifiedEventDraft } from '@tapio/domain';
import { CRI_TOPICS, CriEventData, type CriRawType, type CriWorkload } from '../collector/cri-raw-data.js';

const RAW_TYPES = new Set<string>(Object.values(CRI_TOPICS));

function parse(raw: RawEvent): { type: CriRawType; data: CriEventData } {
  if (!RAW_TYPES.has(raw.type)) throw new Error(`cri: unknown raw type "${raw.type}" (expected one of ${[...RAW_TYPES].join(', ')})`);
  const result = CriEventData.safeParse(raw.data);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`cri ${raw.type}: data.${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
  }
  return { type: raw.type as CriRawType, data: result.data };
}

/** "container app of pod shop/cart-1", "sandbox of pod shop/cart-1", or "container 3f2a..." for non-CRI containers. */
function describe(workload: CriWorkload | undefined): string {
  if (!workload) return 'a container';
  if (workload.podName) {
    const pod = `pod ${workload.podNamespace ?? ''}/${workload.podName}`;
    return workload.kind === 'sandbox' ? `sandbox of ${pod}` : `container ${workload.containerName ?? workload.containerId.slice(0, 12)} of ${pod}`;
  }
  return `container ${workload.containerId.slice(0, 12)}`;
}

/**
 * containerd events → UnifiedEvents about the pod (through the CRI labels) or, for
 * containers the CRI did not make and for images, about the node. An OOM kill becomes
 * `oom_killed` on the Pod with the container's name, the same shape the Kubernetes API
 * view reports later, so both land in one incident.
 */
export class CriTransformer implements RawEventTransformer {
  readonly sources = ['cri'] as const;

  transform(raw: RawEvent, context: TransformContext): UnifiedEvent[] {
    const { type, data } = parse(raw);
    const cluster = raw.metadata['cluster'] ?? context.cluster;
    const workload = data.workload;
    const node = data.node;
    const onPod = workload?.podName !== undefined && workload.podNamespace !== undefined;
    const entity = onPod
      ? { kind: 'Pod', name: workload.podName as string, namespace: workload.podNamespace as string, cluster, ...(workload.podUid ? { uid: workload.podUid } : {}) }
      : { kind: 'Node', name: node, cluster };
    const base: Pick<UnifiedEventDraft, 'entity' | 'k8sContext' | 'annotations'> = {
      entity,
      k8sContext: { ...entity, nodeName: node },
      annotations: { containerd_namespace: data.namespace, topic: data.topic, ...(workload ? { container_id: workload.containerId } : {}), ...(workload?.kind ? { cri_kind: workload.kind } : {}) },
    };
    const container = workload?.kind !== 'sandbox' ? workload?.containerName : undefined;
    const kubernetes = container ? { container } : {};
    const what = describe(workload);
    const event = (eventType: EventType, message: string, extra: Partial<UnifiedEventDraft> & { severity?: Severity } = {}) => [makeUnifiedEvent(raw, context, eventType, `cri:${type}`, { ...base, message, ...extra })];

    switch (type) {
      case 'task_oom':
        return event('oom_killed', `${capitalise(what)} was OOM-killed (containerd) on node ${node}`, { kubernetes: { ...kubernetes, reason: 'OOMKilled' } });
      case 'task_exit': {
        const exitCode = Number(data.event['exit_status'] ?? 0);
        return event('container_exited', `${capitalise(what)} exited with code ${exitCode}`, { kubernetes: { ...kubernetes, exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' }, ...(exitCode !== 0 ? { severity: 'medium' as Severity } : {}) });
      }
      case 'task_start':
        return event('container_started', `${capitalise(what)} started (pid ${String(data.event['pid'] ?? '?')})`, { kubernetes });
      case 'container_create':
        return event('container_created', `${capitalise(what)} created from image ${String(data.event['image'] ?? workload?.image ?? 'unknown')}`, { kubernetes });
      case 'container_delete':
        return event('container_deleted', `${capitalise(what)} deleted`, { kubernetes });
      case 'image_create':
      case 'image_update':
        return event('image_changed', `Image ${String(data.event['name'] ?? '')} ${type === 'image_create' ? 'added' : 'updated'} on node ${node}`, { application: { fields: { image: String(data.event['name'] ?? '') } } });
      case 'image_delete':
        return event('image_deleted', `Image ${String(data.event['name'] ?? '')} removed from node ${node}`, { application: { fields: { image: String(data.event['name'] ?? '') } } });
    }
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
