#!/usr/bin/env bash
# The memory limit of a Deployment is lowered below what the app holds: its new pods are
# OOMKilled. Truth: root cause Deployment ledger/api (limits.memory 128Mi -> 32Mi); symptom:
# the new api pods OOMKilled and restarting.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-ledger}"

prepare() {
  fresh_namespace "$ns"
  # memhog, the container's main process, holds 48 MiB of real, touched memory (as a cache
  # would); httpd (daemonised) serves the readiness probe.
  app "$ns" api 2 "mkdir -p /www && echo ok > /www/index.html && httpd -p 8080 -h /www && exec memhog 48" \
"          resources: { requests: { memory: 64Mi }, limits: { memory: 128Mi } }"
  rolled_out "$ns" api
}

provoke() {
  kubectl -n "$ns" set resources deployment/api --limits=memory=32Mi --requests=memory=32Mi >/dev/null
  log "lowered the memory limit of $ns/api to 32Mi"
}

settle() { wait_until 180 "an api pod was OOMKilled" pod_in_state "$ns" api OOMKilled; sleep 20; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
