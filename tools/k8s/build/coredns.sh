#!/usr/bin/env bash
# Builds CoreDNS (pinned release, from the Go module proxy) into
# tools/.cache/coredns-<version>/bin; tools/k8s/images packs it into the cluster's DNS image.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/versions.sh"
source "$here/cache-lock.sh"
cache_begin coredns "$COREDNS_VERSION" bin/coredns || exit 0
command -v go >/dev/null || { echo "building CoreDNS needs Go (go) on PATH" >&2; exit 1; }
mkdir -p "$tmp/bin"
CGO_ENABLED=0 GOFLAGS="-buildvcs=false" GOBIN="$tmp/bin" nice -n 10 \
  go install -trimpath -ldflags "-s -w" "github.com/coredns/coredns@$COREDNS_VERSION"
cache_commit
