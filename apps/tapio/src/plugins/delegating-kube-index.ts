import type { KubeIndex, PodIdentity } from '@tapio/domain';

/**
 * The KubeIndex every plugin receives. It answers from whichever plugin provides the
 * real index (the Kubernetes API collector), and answers "unknown" while none does,
 * so collectors that attribute events never depend on registration order.
 */
export class DelegatingKubeIndex implements KubeIndex {
  private target: KubeIndex | undefined;

  setTarget(index: KubeIndex): void {
    this.target = index;
  }

  get hasTarget(): boolean {
    return this.target !== undefined;
  }

  podByContainerId(containerId: string): PodIdentity | undefined {
    return this.target?.podByContainerId(containerId);
  }

  podByUid(uid: string): PodIdentity | undefined {
    return this.target?.podByUid(uid);
  }

  podByIp(ip: string): PodIdentity | undefined {
    return this.target?.podByIp(ip);
  }

  podsOnNode(nodeName: string): PodIdentity[] {
    return this.target?.podsOnNode(nodeName) ?? [];
  }
}
