#!/usr/bin/env bash
# Node 22 and 24 beside the machine's Node 20, for apps/tapio/test/node-versions.test.ts:
# the binary of each version in tools/.cache/node-<version>/bin/node (ignored), taken from
# the npm registry's node-linux-<arch> package; skipped when that version is there and runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/tools/node-versions/versions.sh"
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) echo "node-versions: no node-linux package for $(uname -m)" >&2; exit 1 ;;
esac
mkdir -p "$root/tools/.cache"
for version in $NODE_OTHER_VERSIONS; do
  target="$root/tools/.cache/node-$version"
  if [ -x "$target/bin/node" ] && [ "$("$target/bin/node" --version 2>/dev/null)" = "v$version" ]; then
    echo "node $version up to date"
    continue
  fi
  work=$(mktemp -d "$root/tools/.cache/node-$version.XXXXXX")
  (cd "$work" && npm pack --silent "node-linux-$arch@$version" >/dev/null && tar -xzf "node-linux-$arch-$version.tgz")
  [ "$("$work/package/bin/node" --version)" = "v$version" ] || { echo "node-versions: node-linux-$arch@$version is not Node $version" >&2; exit 1; }
  rm -rf "$target"
  mkdir -p "$target/bin"
  mv "$work/package/bin/node" "$target/bin/node"
  rm -rf "$work"
  echo "node $version installed"
done
