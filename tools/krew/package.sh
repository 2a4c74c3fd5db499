#!/usr/bin/env bash
# Packs the kubectl plugin (bin/kubectl-tapio) as the archive deploy/krew/tapio.yaml
# describes, reproducibly (fixed owner, times and order; gzip without name or time), so its
# sha256 is the manifest's. Prints the archive's path and sha256.
#   bash tools/krew/package.sh [OUT_DIR]      default: tools/.cache/krew
#   kubectl krew install --manifest=deploy/krew/tapio.yaml --archive=<archive>
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
out="${1:-$repo/tools/.cache/krew}"
mkdir -p "$out"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
install -m 0755 "$repo/bin/kubectl-tapio" "$stage/kubectl-tapio"
printf 'Apache-2.0: see the Tapio repository.\n' > "$stage/LICENSE"
chmod 0644 "$stage/LICENSE"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$stage" -cf - kubectl-tapio LICENSE | gzip -n -9 > "$out/kubectl-tapio.tar.gz"
echo "archive=$out/kubectl-tapio.tar.gz"
echo "sha256=$(sha256sum "$out/kubectl-tapio.tar.gz" | cut -d' ' -f1)"
