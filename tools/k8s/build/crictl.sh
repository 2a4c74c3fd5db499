#!/usr/bin/env bash
# Builds crictl (cri-tools, pinned) into tools/.cache/crictl-<version>/bin. tools/k8s uses
# it to stop and remove every pod through the CRI on `down`, so that the CNI plugins tear
# down their veths, addresses and network namespaces instead of leaving them on the host.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/versions.sh"
source "$here/cache-lock.sh"
cache_begin crictl "$CRICTL_VERSION" bin/crictl || exit 0
command -v go >/dev/null || { echo "building crictl needs Go (go) on PATH" >&2; exit 1; }
mkdir -p "$tmp/bin"
CGO_ENABLED=0 GOFLAGS="-buildvcs=false" GOBIN="$tmp/bin" nice -n 10 \
  go install -trimpath -ldflags "-s -w" "sigs.k8s.io/cri-tools/cmd/crictl@$CRICTL_VERSION"
cache_commit
