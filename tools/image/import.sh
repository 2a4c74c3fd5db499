#!/usr/bin/env bash
# Imports OCI archives into the local test cluster's containerd (namespace k8s.io), where
# pods with imagePullPolicy: Never find them. The cluster must be running (tools/k8s);
# its containerd keeps images only until `cluster.sh down`, so import after every start.
# usage: import.sh ARCHIVE.tar...
set -euo pipefail
source "$(cd "$(dirname "$0")" && pwd)/../k8s/lib/common.sh"
[ $# -gt 0 ] || { echo "usage: import.sh ARCHIVE.tar..." >&2; exit 2; }
[ -S "$run_dir/containerd.sock" ] || die "the test cluster's containerd is not running ($run_dir/containerd.sock): npm run cluster:up"
for archive in "$@"; do
  [ -f "$archive" ] || die "no image archive at $archive"
  ctr --address "$run_dir/containerd.sock" -n k8s.io images import "$archive" >/dev/null || die "importing $archive failed"
done
