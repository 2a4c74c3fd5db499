#!/usr/bin/env bash
# Every check and test Tapio has, from a fresh clone: set-up, type check, the
# architecture rules, then all unit and integration tests (real NATS, Neo4j,
# Kubernetes API server, kernel).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
echo "==> typecheck"
npm run --silent typecheck
echo "==> architecture rules (dependency-cruiser)"
npm run --silent lint:deps
echo "==> tests"
npx vitest run
