#!/usr/bin/env bash
# Builds the `nats` CLI (for `nats bench` beside npm run bench:nats) into tools/.cache/go-bin/nats.
# `go install github.com/nats-io/natscli/nats@latest` needs the proxy's version list of natscli,
# which some Go module proxies refuse; building the pinned version inside a scratch module
# needs only that version's files.
set -euo pipefail
version=${1:-v0.3.0}
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/tools/.cache/go-bin"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$out"
cd "$scratch"
go mod init natscli-build >/dev/null 2>&1
go get "github.com/nats-io/natscli/nats@$version"
go build -o "$out/nats" github.com/nats-io/natscli/nats
"$out/nats" --version
