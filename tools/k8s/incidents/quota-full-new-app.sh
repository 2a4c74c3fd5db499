#!/usr/bin/env bash
# A namespace's ResourceQuota (pods: 2) is already used up by the app running there; a second
# app is deployed into it and none of its pods is admitted (FailedCreate: exceeded quota). The
# quota did not change. Truth: root cause ResourceQuota analytics-b/compute (full); the new
# Deployment is an acceptable answer; symptom: the new app's ReplicaSet refused pods.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-analytics-b}"

prepare() {
  fresh_namespace "$ns"
  kubectl -n "$ns" create quota compute --hard=pods=2 >/dev/null
  app "$ns" dashboard 2 "$SERVE"
  rolled_out "$ns" dashboard
}

provoke() {
  app "$ns" exporter 1 "$SERVE"
  log "deployed $ns/exporter into a namespace whose quota (pods: 2) is used up"
}

refused() { kubectl -n "$ns" get events --field-selector reason=FailedCreate -o name | grep -q .; }

settle() { wait_until 120 "the exporter's ReplicaSet was refused pods (FailedCreate)" refused; sleep 90; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
