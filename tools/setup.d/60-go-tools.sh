#!/usr/bin/env bash
# Go commands the tests run against, built from the Go module proxy and cached under
# tools/.cache/<name>-<version> (see tools/go-tools/build-go-tool.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")/../go-tools" && pwd)
source "$here/versions.sh"
nice -n 10 bash "$here/build-go-tool.sh" promtool github.com/prometheus/prometheus "$PROMTOOL_VERSION" ./cmd/promtool
nice -n 10 bash "$here/build-go-tool.sh" alertmanager github.com/prometheus/alertmanager "$ALERTMANAGER_VERSION" ./cmd/alertmanager
# nats-server from its Go module (the module root is the command): the synced-storage tests
# and the chart's NATS image (tools/image/nats.sh). Cold: about 40 s of one core.
nice -n 10 bash "$here/build-go-tool.sh" nats-server github.com/nats-io/nats-server/v2 "$NATS_SERVER_VERSION" .
# The nats CLI (NATSCLI_VERSION) is built by the NATS benchmarks on first use (tools/bench/nats-bench-peer.mjs):
# no test needs it.
