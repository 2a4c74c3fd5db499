/** One Kubernetes API watch event as a RawEvent line's object (tools/bench/kube-traffic.mjs). */
export type KubeWatchRawEvent = Record<string, unknown>;

export interface KubeTrafficOptions {
  /** A recording whose objects are the templates (examples/recordings/configmap-cascade.ndjson). */
  recording: URL | string;
  namespaces?: number;
  deploymentsPerNamespace?: number;
  podsPerDeployment?: number;
  nodes?: number;
  seed?: number;
}

/** A deterministic stream of watch events shaped like the recorded scenarios. */
export declare class KubeTraffic {
  constructor(options: KubeTrafficOptions);
  /** The starting state: one ADDED per object, like the head of a recording (given once). */
  startingState(): KubeWatchRawEvent[];
  /** The next `count` watch events of the cluster's life. */
  next(count: number): KubeWatchRawEvent[];
}
