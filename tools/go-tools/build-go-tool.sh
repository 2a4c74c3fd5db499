#!/usr/bin/env bash
# Builds one Go command from the Go module proxy into tools/.cache/NAME-VERSION/NAME,
# skipped when that binary exists (the cache is keyed by version).
#   build-go-tool.sh NAME MODULE VERSION PACKAGE
# e.g. build-go-tool.sh promtool github.com/prometheus/prometheus v0.305.0 ./cmd/promtool
# `go install pkg@version` refuses modules whose go.mod has replace directives (Prometheus
# has one), so the package is built inside a scratch module that copies those directives.
# Only the named package is compiled, not the whole module. GO_TOOL_LDFLAGS adds linker
# flags (version stamps that the tool's own Makefile would set).
set -euo pipefail
name=$1 module=$2 version=$3 package=$4
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/tools/.cache/$name-$version"
if [ -x "$out/$name" ]; then
  echo "$name $version up to date"
  exit 0
fi
command -v go >/dev/null || { echo "$name: Go is needed to build it (https://go.dev/dl/)" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
started=$(date +%s)
go mod init "build-$name" >/dev/null 2>&1
gomod=$(go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
# Copy the module's replace directives (single-line and block form) into the scratch module.
awk '/^replace \(/{block=1; next} block && /^\)/{block=0; next} block{print "replace " $0; next} /^replace /{print}' "$gomod" >> go.mod
go get "$module/${package#./}@$version"
mkdir -p "$out.tmp"
CGO_ENABLED=0 go build -trimpath -ldflags="-s -w ${GO_TOOL_LDFLAGS:-}" -o "$out.tmp/$name" "$module/${package#./}"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "$name $version built in $(( $(date +%s) - started ))s"
