#!/usr/bin/env bash
# The local test cluster (tools/k8s, docs/test-cluster.md): Kubernetes, etcd and CoreDNS
# built from the Go module proxy, and the local images; each cached in
# tools/.cache/<name>-<version> and skipped when present. Cold: about 15 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../k8s/build"
bash kubernetes.sh
bash etcd.sh
bash coredns.sh
bash crictl.sh
bash images.sh
