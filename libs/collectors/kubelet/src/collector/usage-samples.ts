import type { KubeletPodList, KubeletSummary } from './kubelet-answers.js';
import type { KubeletRawData } from './kubelet-raw-data.js';

export type ContainerSample = KubeletRawData<'container_usage'>;
export type PodSample = KubeletRawData<'pod_usage'>;

const percent = (used: number, limit: number | undefined) => (limit ? (used / limit) * 100 : undefined);

/** The usage shares (percent of the limit) of a sample, for the report policy. */
export function containerShares(sample: ContainerSample): number[] {
  return [percent(sample.memory.workingSetBytes, sample.memory.limitBytes), sample.cpu ? percent(sample.cpu.usageMillicores, sample.cpu.limitMillicores) : undefined].filter((value): value is number => value !== undefined);
}

export function podShares(sample: PodSample): number[] {
  const share = sample.ephemeralStorage ? percent(sample.ephemeralStorage.usedBytes, sample.ephemeralStorage.limitBytes) : undefined;
  return share === undefined ? [] : [share];
}

/**
 * Joins /stats/summary (usage) with /pods (limits): one sample per container that has memory
 * stats, one per pod. A container's stats without a pod in /pods (a pod deleted between the
 * two calls) is still reported, without limits.
 */
export function usageSamples(node: string, pods: KubeletPodList, summary: KubeletSummary): { containers: ContainerSample[]; pods: PodSample[] } {
  const specs = new Map(pods.items.map((pod) => [pod.metadata.uid, pod]));
  const containers: ContainerSample[] = [];
  const podSamples: PodSample[] = [];
  for (const stats of summary.pods) {
    const spec = specs.get(stats.podRef.uid);
    const pod = { name: stats.podRef.name, namespace: stats.podRef.namespace, uid: stats.podRef.uid };
    let ephemeralLimit = 0;
    let everyContainerLimited = (spec?.spec.containers.length ?? 0) > 0;
    for (const container of spec?.spec.containers ?? []) {
      const limit = container.resources?.limits?.['ephemeral-storage'];
      if (limit === undefined) everyContainerLimited = false;
      else ephemeralLimit += limit;
    }
    for (const container of stats.containers) {
      const workingSet = container.memory?.workingSetBytes;
      if (workingSet === undefined || !container.memory) continue;
      const limits = spec?.spec.containers.find((candidate) => candidate.name === container.name)?.resources?.limits;
      const memoryLimit = limits?.['memory'];
      const cpuLimit = limits?.['cpu'];
      const usageNanoCores = container.cpu?.usageNanoCores;
      containers.push({
        node,
        time: container.memory.time,
        pod,
        container: container.name,
        memory: { workingSetBytes: workingSet, ...(memoryLimit ? { limitBytes: memoryLimit } : {}) },
        ...(usageNanoCores !== undefined ? { cpu: { usageMillicores: Math.round(usageNanoCores / 1e5) / 10, ...(cpuLimit ? { limitMillicores: cpuLimit * 1000 } : {}) } } : {}),
      });
    }
    const ephemeral = stats['ephemeral-storage'];
    const processes = stats.process_stats?.process_count;
    if (ephemeral?.usedBytes === undefined && processes === undefined) continue;
    podSamples.push({
      node,
      time: ephemeral?.time ?? new Date().toISOString(),
      pod,
      ...(ephemeral?.usedBytes !== undefined ? { ephemeralStorage: { usedBytes: ephemeral.usedBytes, ...(everyContainerLimited && ephemeralLimit > 0 ? { limitBytes: ephemeralLimit } : {}) } } : {}),
      ...(processes !== undefined ? { pids: { count: processes } } : {}),
    });
  }
  return { containers, pods: podSamples };
}
