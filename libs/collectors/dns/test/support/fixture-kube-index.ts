import type { KubeIndex, PodIdentity } from '@tapio/domain';

/** A KubeIndex over fixture pods, for attribution tests. */
export class FixtureKubeIndex implements KubeIndex {
  constructor(private readonly pods: PodIdentity[]) {}

  podByContainerId(containerId: string): PodIdentity | undefined {
    return this.pods.find((pod) => pod.containers.some((container) => container.containerId === containerId));
  }
  podByUid(uid: string): PodIdentity | undefined {
    return this.pods.find((pod) => pod.uid === uid);
  }
  podByIp(ip: string): PodIdentity | undefined {
    return this.pods.find((pod) => pod.podIP === ip);
  }
  podsOnNode(nodeName: string): PodIdentity[] {
    return this.pods.filter((pod) => pod.nodeName === nodeName);
  }
}
