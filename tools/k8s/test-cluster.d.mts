export interface KubectlOptions {
  /** Text given to kubectl on stdin (for `apply -f -`). */
  input?: string;
  /** Another kubeconfig (for example `tapioKubeconfig`); the admin one by default. */
  kubeconfig?: string;
  timeoutMs?: number;
}

export interface TestCluster {
  /** The cluster's home folder on this host (logs in logs/). */
  home: string;
  /** https://NODE_IP:PORT of kube-apiserver. */
  server: string;
  /** Admin kubeconfig (system:masters): for setting up and provoking things. */
  kubeconfig: string;
  /** Kubeconfig with a token of Tapio's ServiceAccount, bound to deploy/rbac.yaml's ClusterRole. */
  tapioKubeconfig: string;
  tapioToken: string;
  /** The file tapio-cni-tap (in front of the bridge plugin) appends every pod's CNI ADD / DEL to; throws with the reason when the running cluster has none. */
  cniSpool(): string;
  /** Runs kubectl against the cluster; resolves with stdout, rejects with stderr. */
  kubectl(args: string[], options?: KubectlOptions): Promise<string>;
  /** etcd compaction at the current revision, then a kube-apiserver restart: resumed watches get a real 410. */
  compactAndRestartApiServer(): Promise<void>;
  restartApiServer(): Promise<void>;
  stopKubelet(): Promise<void>;
  startKubelet(): Promise<void>;
}

/** The vitest run's PID, in whose name the cluster lease is held. */
export function leasePid(): number;
/** Runs tools/k8s/cluster.sh COMMAND ARGS... and resolves with its stdout. */
export function clusterCommand(command: string, ...args: string[]): Promise<string>;
/** Starts the host's cluster or joins the running one (once per process). */
export function useTestCluster(): Promise<TestCluster>;
