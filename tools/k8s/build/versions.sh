# Pinned versions of everything the local test cluster runs; sourced by the build
# scripts and tools/k8s/cluster.sh. Each build lands in tools/.cache/<name>-<version>.
KUBERNETES_VERSION=v1.34.4
ETCD_VERSION=v3.6.16
COREDNS_VERSION=v1.12.4
# Bumped when the image recipes (tools/k8s/images) change.
IMAGES_VERSION=3
CRICTL_VERSION=v1.34.0
