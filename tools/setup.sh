#!/usr/bin/env bash
# Takes a fresh clone on a fresh machine to a built Tapio: system packages (Debian),
# npm dependencies, TypeScript build, native eBPF addon, test servers' artifacts.
# Idempotent: a second run only does what is missing. Every step is a script in
# tools/setup.d/, run in name order.
set -euo pipefail
cd "$(dirname "$0")/.."
for step in tools/setup.d/*.sh; do
  echo "==> setup: $(basename "$step")"
  bash "$step"
done
echo "==> setup: done"
