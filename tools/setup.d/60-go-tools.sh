#!/usr/bin/env bash
# Go commands the tests run against, built from the Go module proxy and cached under
# tools/.cache/<name>-<version> (see tools/go-tools/build-go-tool.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")/../go-tools" && pwd)
source "$here/versions.sh"
nice -n 10 bash "$here/build-go-tool.sh" promtool github.com/prometheus/prometheus "$PROMTOOL_VERSION" ./cmd/promtool
nice -n 10 bash "$here/build-go-tool.sh" alertmanager github.com/prometheus/alertmanager "$ALERTMANAGER_VERSION" ./cmd/alertmanager
# The nats CLI (NATSCLI_VERSION) is built by the NATS benchmarks on first use (tools/bench/nats-bench-peer.mjs):
# no test needs it.
