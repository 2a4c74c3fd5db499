/** A pinned version of the local test cluster (tools/k8s/build/versions.sh), e.g. ETCD_VERSION. */
export function clusterVersion(name: string): string;
