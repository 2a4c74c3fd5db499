#!/usr/bin/env bash
# The OpenTelemetry Collector Tapio's telemetry tests export to, built from the Go module
# proxy by the collector's own builder (ocb) from tools/otelcol/builder-config.yaml: the OTLP
# receiver and the debug exporter. Cached as tools/.cache/otelcol-<version>/otelcol and
# skipped when present. Cold: about 2 minutes (module downloads, then 95 s of compiling on
# 2 shared cores at nice 10).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/tools/go-tools/versions.sh"
out="$root/tools/.cache/otelcol-$OTELCOL_VERSION"
if [ -x "$out/otelcol" ]; then
  echo "otelcol $OTELCOL_VERSION up to date"
  exit 0
fi
command -v go >/dev/null || { echo "otelcol: Go is needed to build it (https://go.dev/dl/)" >&2; exit 1; }
grep -q "v${OTELCOL_VERSION#v}\$" "$root/tools/otelcol/builder-config.yaml" || { echo "otelcol: tools/otelcol/builder-config.yaml does not name $OTELCOL_VERSION" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
started=$(date +%s)
GOBIN="$scratch/bin" nice -n 10 go install "go.opentelemetry.io/collector/cmd/builder@$OTELCOL_VERSION"
sed "s#^dist:#dist:\n  output_path: $scratch/out#" "$root/tools/otelcol/builder-config.yaml" > "$scratch/builder.yaml"
(cd "$scratch" && nice -n 10 "$scratch/bin/builder" --config "$scratch/builder.yaml")
mkdir -p "$out.tmp"
cp "$scratch/out/otelcol" "$out.tmp/otelcol"
rm -rf "$out"
mv "$out.tmp" "$out"
echo "otelcol $OTELCOL_VERSION built in $(( $(date +%s) - started ))s"
