#!/usr/bin/env bash
# npm dependencies exactly as locked.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  echo "node_modules up to date"
else
  npm ci --no-audit --no-fund
fi
