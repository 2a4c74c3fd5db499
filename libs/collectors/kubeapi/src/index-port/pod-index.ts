import { bareContainerId, type KubeIndex, type PodIdentity } from '@tapio/domain';
import type { KubeObject } from '../informers/kube-object.js';

type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface PodJson {
  metadata?: { name?: string; namespace?: string; uid?: string; labels?: Record<string, string>; ownerReferences?: PodIdentity['ownerReferences'] };
  spec?: { nodeName?: string; hostNetwork?: boolean; containers?: { name: string }[]; initContainers?: { name: string }[] };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip?: string }[];
    containerStatuses?: { name: string; containerID?: string }[];
    initContainerStatuses?: { name: string; containerID?: string }[];
    ephemeralContainerStatuses?: { name: string; containerID?: string }[];
  };
}

interface Entry {
  identity: PodIdentity;
  containerIds: string[];
  ips: string[];
}

/**
 * The KubeIndex port, kept current by the Pod informer: container id, pod UID, pod IP
 * and node name to pod. An IP is indexed only for pods that own it (not hostNetwork pods,
 * which share the node's address, nor finished pods, whose address may already be reused).
 */
export class PodIndex implements KubeIndex {
  private readonly byUid = new Map<string, Entry>();
  private readonly byContainerId = new Map<string, string>();
  private readonly byIp = new Map<string, string>();
  private readonly byNode = new Map<string, Set<string>>();

  constructor(private readonly cluster?: string) {}

  /** Applies one Pod change as the informer delivers it; other kinds are ignored. */
  apply(type: ChangeType, object: KubeObject): void {
    if (object.kind !== 'Pod') return;
    const pod = object as PodJson;
    const uid = pod.metadata?.uid;
    if (uid === undefined) return;
    this.remove(uid);
    if (type !== 'DELETED') this.add(uid, pod);
  }

  podByContainerId(containerId: string): PodIdentity | undefined {
    const uid = this.byContainerId.get(bareContainerId(containerId));
    return uid === undefined ? undefined : this.byUid.get(uid)?.identity;
  }

  podByUid(uid: string): PodIdentity | undefined {
    return this.byUid.get(uid)?.identity;
  }

  podByIp(ip: string): PodIdentity | undefined {
    const uid = this.byIp.get(ip);
    return uid === undefined ? undefined : this.byUid.get(uid)?.identity;
  }

  podsOnNode(nodeName: string): PodIdentity[] {
    return [...(this.byNode.get(nodeName) ?? [])].flatMap((uid) => this.byUid.get(uid)?.identity ?? []);
  }

  get size(): number {
    return this.byUid.size;
  }

  private add(uid: string, pod: PodJson): void {
    const statuses = [
      ...(pod.status?.initContainerStatuses ?? []),
      ...(pod.status?.containerStatuses ?? []),
      ...(pod.status?.ephemeralContainerStatuses ?? []),
    ];
    const idByName = new Map(statuses.filter((status) => status.containerID).map((status) => [status.name, bareContainerId(status.containerID as string)]));
    const names = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((container) => container.name);
    for (const status of statuses) if (!names.includes(status.name)) names.push(status.name);
    const containers = names.map((name) => (idByName.has(name) ? { name, containerId: idByName.get(name) as string } : { name }));

    const identity: PodIdentity = {
      namespace: pod.metadata?.namespace ?? '',
      name: pod.metadata?.name ?? '',
      uid,
      containers,
    };
    if (this.cluster !== undefined) identity.cluster = this.cluster;
    if (pod.spec?.nodeName) identity.nodeName = pod.spec.nodeName;
    if (pod.status?.podIP) identity.podIP = pod.status.podIP;
    if (pod.metadata?.labels) identity.labels = pod.metadata.labels;
    if (pod.metadata?.ownerReferences) identity.ownerReferences = pod.metadata.ownerReferences;

    const finished = pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
    const ips = pod.spec?.hostNetwork || finished ? [] : podIps(pod);
    const containerIds = [...idByName.values()];
    this.byUid.set(uid, { identity, containerIds, ips });
    for (const id of containerIds) this.byContainerId.set(id, uid);
    for (const ip of ips) this.byIp.set(ip, uid);
    if (identity.nodeName !== undefined) {
      const onNode = this.byNode.get(identity.nodeName) ?? new Set<string>();
      onNode.add(uid);
      this.byNode.set(identity.nodeName, onNode);
    }
  }

  private remove(uid: string): void {
    const entry = this.byUid.get(uid);
    if (entry === undefined) return;
    this.byUid.delete(uid);
    // Only drop mappings that still point at this pod: a newer pod may own them by now.
    for (const id of entry.containerIds) if (this.byContainerId.get(id) === uid) this.byContainerId.delete(id);
    for (const ip of entry.ips) if (this.byIp.get(ip) === uid) this.byIp.delete(ip);
    const node = entry.identity.nodeName;
    if (node !== undefined) {
      const onNode = this.byNode.get(node);
      onNode?.delete(uid);
      if (onNode?.size === 0) this.byNode.delete(node);
    }
  }
}

function podIps(pod: PodJson): string[] {
  const ips = new Set<string>();
  if (pod.status?.podIP) ips.add(pod.status.podIP);
  for (const entry of pod.status?.podIPs ?? []) if (entry.ip) ips.add(entry.ip);
  return [...ips];
}
