# Versions of the Go test servers and tools Tapio's tests use (sourced by the set-up and tests).
# Prometheus' Go module is tagged v0.<major*100+minor>.<patch>: v0.305.0 is Prometheus 3.5.0.
PROMTOOL_VERSION=v0.305.0
ALERTMANAGER_VERSION=v0.28.1
