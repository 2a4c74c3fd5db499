#!/usr/bin/env bash
# Routine decommissioning: an app nobody calls any more is removed with its Service and its
# ConfigMap in one command (kubectl delete deployment,service,configmap). Nothing should be
# reported.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-legacy}"

prepare() {
  fresh_namespace "$ns"
  kubectl -n "$ns" create configmap reports-settings --from-literal=FORMAT=pdf >/dev/null
  app "$ns" reports 2 "$SERVE" '          envFrom: [{ configMapRef: { name: reports-settings } }]'
  app "$ns" archive 1 "$SERVE"
  rolled_out "$ns" reports
  rolled_out "$ns" archive
}

provoke() {
  kubectl -n "$ns" delete deployment/reports service/reports configmap/reports-settings --wait=false >/dev/null
  log "decommissioned $ns/reports (Deployment, Service, ConfigMap)"
}

gone() { [ -z "$(kubectl -n "$ns" get pods -l app=reports -o name)" ]; }

settle() { wait_until 120 "the reports pods are gone" gone; sleep 30; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
