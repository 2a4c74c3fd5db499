# Versions of the Go test servers and tools Tapio's tests use (sourced by the set-up and tests).
# Prometheus' Go module is tagged v0.<major*100+minor>.<patch>: v0.305.0 is Prometheus 3.5.0.
PROMTOOL_VERSION=v0.305.0
ALERTMANAGER_VERSION=v0.28.1
# helm v3.19 is built on the Kubernetes 1.34 libraries, the test cluster's version (tools/setup.d/65-helm.sh).
HELM_VERSION=v3.19.5
OTELCOL_VERSION=v0.165.0
# The nats CLI, for `nats bench` (the broker's own figure beside the NATS benchmarks, issue 17).
NATSCLI_VERSION=v0.3.0
# nats-server for the synced JetStream configuration (deploy/nats-server.conf, the chart's NATS
# image): `sync_interval` needs 2.10+, Debian bookworm's package is 2.9.10. The other NATS
# tests keep Debian's server (docs/reliability.md, "Storage: the fsync trade-off").
NATS_SERVER_VERSION=v2.15.3
