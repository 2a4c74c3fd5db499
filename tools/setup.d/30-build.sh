#!/usr/bin/env bash
# TypeScript build of every project (incremental).
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run --silent build
