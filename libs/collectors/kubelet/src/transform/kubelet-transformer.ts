import { makeUnifiedEvent, type EventType, type RawEvent, type RawEventTransformer, type Severity, type TransformContext, type UnifiedEvent } from '@tapio/plugin-api';
import { KUBELET_API_SOURCE, KUBELET_RAW_DATA, type KubeletRawData, type KubeletRawType } from '../collector/kubelet-raw-data.js';

const MIB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;
const share = (used: number, limit: number | undefined) => (limit ? Math.round((used / limit) * 1000) / 10 : undefined);
const PRESSURE_TYPE: Record<'memory' | 'disk' | 'pid', EventType> = { memory: 'memory_pressure', disk: 'disk_pressure', pid: 'pid_pressure' };

/**
 * How far a prediction from the trend can be trusted, 0..1: how well the line fits (R²;
 * taken as 0.9 when the recording does not say) times samples / (samples + 2), so a line
 * through three points counts for less than one through twelve.
 */
export function trendConfidence(fit: number | undefined, samples: number): number {
  return Math.round((fit ?? 0.9) * (samples / (samples + 2)) * 1000) / 1000;
}

function defined(metrics: Record<string, number | undefined>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).filter((entry): entry is [string, number] => entry[1] !== undefined));
}

/**
 * kubelet_api RawEvents → UnifiedEvents. Usage is a `resource_usage` event about the Pod
 * (container in kubernetes.container) whose metrics patterns read: `memory.usage_percent`,
 * `cpu.usage_percent`, `ephemeral_storage.usage_percent`, ... A growing working set is
 * `memory_limit_approaching` (metric `memory.minutes_to_limit`); eviction signals are the
 * node's `memory_pressure` / `disk_pressure` / `pid_pressure` and `node_pressure_relieved`.
 */
export class KubeletApiTransformer implements RawEventTransformer {
  readonly sources = [KUBELET_API_SOURCE] as const;

  transform(raw: RawEvent, context: TransformContext): UnifiedEvent[] {
    if (!Object.hasOwn(KUBELET_RAW_DATA, raw.type)) throw new Error(`kubelet_api: unknown raw type "${raw.type}" (expected one of ${Object.keys(KUBELET_RAW_DATA).join(', ')})`);
    const type = raw.type as KubeletRawType;
    const result = KUBELET_RAW_DATA[type].safeParse(raw.data);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new Error(`kubelet_api ${raw.type}: data.${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
    }
    const cluster = raw.metadata['cluster'] ?? context.cluster;
    const onPod = (data: { node: string; pod: { name: string; namespace: string; uid: string } }) => {
      const entity = { kind: 'Pod', name: data.pod.name, namespace: data.pod.namespace, cluster };
      return { entity, k8sContext: { ...entity, uid: data.pod.uid, nodeName: data.node } };
    };
    switch (type) {
      case 'container_usage': {
        const data = result.data as KubeletRawData<'container_usage'>;
        const memoryShare = share(data.memory.workingSetBytes, data.memory.limitBytes);
        const cpuShare = data.cpu ? share(data.cpu.usageMillicores, data.cpu.limitMillicores) : undefined;
        const parts = [`memory ${mib(data.memory.workingSetBytes)}${data.memory.limitBytes ? ` of ${mib(data.memory.limitBytes)} (${memoryShare}%)` : ''}`];
        if (data.cpu) parts.push(`CPU ${data.cpu.usageMillicores}m${data.cpu.limitMillicores ? ` of ${data.cpu.limitMillicores}m (${cpuShare}%)` : ''}`);
        const severity: Severity = Math.max(memoryShare ?? 0, cpuShare ?? 0) >= 85 ? 'medium' : 'info';
        return [
          makeUnifiedEvent(raw, context, 'resource_usage', `usage:${data.container}`, {
            ...onPod(data),
            severity,
            message: `Container ${data.container} of pod ${data.pod.namespace}/${data.pod.name}: ${parts.join(', ')}`,
            kubernetes: { container: data.container },
            metrics: defined({
              'memory.working_set_bytes': data.memory.workingSetBytes,
              'memory.limit_bytes': data.memory.limitBytes,
              'memory.usage_percent': memoryShare,
              'cpu.usage_millicores': data.cpu?.usageMillicores,
              'cpu.limit_millicores': data.cpu?.limitMillicores,
              'cpu.usage_percent': cpuShare,
            }),
          }),
        ];
      }
      case 'pod_usage': {
        const data = result.data as KubeletRawData<'pod_usage'>;
        const storage = data.ephemeralStorage;
        const storageShare = storage ? share(storage.usedBytes, storage.limitBytes) : undefined;
        const parts = [...(storage ? [`ephemeral storage ${mib(storage.usedBytes)}${storage.limitBytes ? ` of ${mib(storage.limitBytes)} (${storageShare}%)` : ''}`] : []), ...(data.pids ? [`${data.pids.count} processes`] : [])];
        return [
          makeUnifiedEvent(raw, context, 'resource_usage', 'usage:pod', {
            ...onPod(data),
            severity: (storageShare ?? 0) >= 85 ? 'medium' : 'info',
            message: `Pod ${data.pod.namespace}/${data.pod.name}: ${parts.join(', ')}`,
            metrics: defined({
              'ephemeral_storage.used_bytes': storage?.usedBytes,
              'ephemeral_storage.limit_bytes': storage?.limitBytes,
              'ephemeral_storage.usage_percent': storageShare,
              'pids.count': data.pids?.count,
            }),
          }),
        ];
      }
      case 'memory_trend': {
        const data = result.data as KubeletRawData<'memory_trend'>;
        return [
          makeUnifiedEvent(raw, context, 'memory_limit_approaching', `trend:${data.container}`, {
            ...onPod(data),
            severity: data.minutesToLimit <= 5 ? 'high' : 'medium',
            message: `Container ${data.container} of pod ${data.pod.namespace}/${data.pod.name} grows ${mib(data.growthBytesPerMinute)}/min: at ${mib(data.workingSetBytes)} of its ${mib(data.limitBytes)} limit, it reaches it (OOM kill) in about ${data.minutesToLimit} minutes`,
            kubernetes: { container: data.container },
            metrics: {
              'memory.working_set_bytes': data.workingSetBytes,
              'memory.limit_bytes': data.limitBytes,
              'memory.usage_percent': share(data.workingSetBytes, data.limitBytes) as number,
              'memory.growth_bytes_per_minute': data.growthBytesPerMinute,
              'memory.minutes_to_limit': data.minutesToLimit,
              'memory.trend_samples': data.samples,
              'memory.trend_confidence': trendConfidence(data.fit, data.samples),
            },
          }),
        ];
      }
      case 'node_pressure':
      case 'node_pressure_relieved': {
        const data = result.data as KubeletRawData<'node_pressure'>;
        const entity = { kind: 'Node', name: data.node, cluster };
        const value = (amount: number) => (data.unit === 'bytes' ? mib(amount) : `${amount}%`);
        const pressed = type === 'node_pressure';
        return [
          makeUnifiedEvent(raw, context, pressed ? PRESSURE_TYPE[data.resource] : 'node_pressure_relieved', `pressure:${data.signal}`, {
            entity,
            k8sContext: { ...entity, nodeName: data.node },
            message: pressed
              ? `Node ${data.node}: ${data.signal} ${value(data.observed)} is below the eviction threshold ${value(data.threshold)} (seen on the kubelet, before the API server's ${data.resource} pressure condition)`
              : `Node ${data.node}: ${data.signal} ${value(data.observed)} is back above the eviction threshold ${value(data.threshold)}`,
            kubernetes: { condition: `${data.resource[0]?.toUpperCase()}${data.resource.slice(1)}Pressure`, conditionStatus: pressed ? 'True' : 'False', reason: data.signal },
            metrics: { [`${data.signal}${data.unit === 'bytes' ? '_bytes' : '_percent'}`]: data.observed, threshold: data.threshold },
          }),
        ];
      }
    }
  }
}
