#!/usr/bin/env bash
# Builds etcd and etcdctl (pinned 3.6 release) into tools/.cache/etcd-<version>/bin with the
# wrapper module in tools/k8s/build/etcd. Debian's etcd 3.4 would run, but kube-apiserver
# then turns off consistent reads from its watch cache (no RequestWatchProgress).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/versions.sh"
source "$here/cache-lock.sh"
cache_begin etcd "$ETCD_VERSION" bin/etcd bin/etcdctl || exit 0
command -v go >/dev/null || { echo "building etcd needs Go (go) on PATH" >&2; exit 1; }
cd "$here/etcd"
mkdir -p "$tmp/bin"
export CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false"
nice -n 10 go build -trimpath -ldflags "-s -w" -o "$tmp/bin/etcd" go.etcd.io/etcd/server/v3
nice -n 10 go build -trimpath -ldflags "-s -w" -o "$tmp/bin/etcdctl" go.etcd.io/etcd/etcdctl/v3
cache_commit
