#!/usr/bin/env bash
# containerd's API .proto files for the CRI (containerd) collector, taken from the containerd
# API Go module through the Go module proxy (go mod download), cached in
# tools/.cache/containerd-api-<version> and copied into libs/collectors/cri/proto, where the
# collector loads them at run time with @grpc/proto-loader. No hand-written protos.
set -euo pipefail
cd "$(dirname "$0")/.."
version=v1.8.0
cache=".cache/containerd-api-$version"
target=../libs/collectors/cri/proto
if [ ! -f "$cache/ready" ]; then
  command -v go >/dev/null || { echo "45-containerd-api: 'go' not found; the containerd API protos come from the Go module proxy" >&2; exit 1; }
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  dir=$(cd "$scratch" && GOFLAGS=-mod=mod GOMODCACHE="$scratch/mod" go mod download -json "github.com/containerd/containerd/api@$version" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
  [ -d "$dir" ] || { echo "45-containerd-api: go mod download of github.com/containerd/containerd/api@$version gave no folder" >&2; exit 1; }
  # The files import each other by module path (github.com/containerd/containerd/api/...).
  module="$cache/proto/github.com/containerd/containerd/api"
  rm -rf "$cache"; mkdir -p "$module"
  (cd "$dir" && find . -name '*.proto' -print0 | xargs -0 -I{} cp --parents {} "$OLDPWD/$module/")
  cp "$dir/LICENSE" "$module/LICENSE"
  chmod -R u+w "$scratch/mod" "$cache"
  touch "$cache/ready"
fi
rm -rf "$target"
cp -r "$cache/proto" "$target"
echo "containerd API $version protos: $(find "$target" -name '*.proto' | wc -l) files in libs/collectors/cri/proto"
