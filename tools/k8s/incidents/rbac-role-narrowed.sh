#!/usr/bin/env bash
# The stock-sync app runs as its own ServiceAccount (stock-sync) and lists the namespace's
# configmaps through the Kubernetes API every 3 s; Role stock-sync (bound to it by RoleBinding
# stock-sync) lets it get, list and watch configmaps and get leases. Someone "tightens" the Role
# with kubectl apply: configmaps get only, list and watch removed. No pod or Deployment changes;
# the next list call is refused (403 Forbidden), the app exits 1, and every restart is refused
# again (CrashLoopBackOff); Service stock-sync loses its endpoints.
# Truth: root cause Role inventory/stock-sync (list on configmaps removed); symptom: the
# stock-sync pods crash-looping.
source "$(dirname "$0")/lib.sh"
source "$incidents_dir/rbac-app.sh"
ns="${INCIDENT_NS:-inventory}"

prepare() {
  fresh_namespace "$ns"
  rbac_app "$ns" stock-sync 2
}

provoke() {
  rbac_role "$ns" stock-sync "$RULE_CONFIGMAPS_GET" "$RULE_LEASES_GET"
  log "tightened Role $ns/stock-sync: configmaps verbs get,list,watch -> get (kubectl apply)"
}

settle() {
  wait_until 60 "a stock-sync container exited (list refused)" pod_in_state "$ns" stock-sync Error
  wait_until 180 "a stock-sync pod crash-loops" pod_in_state "$ns" stock-sync CrashLoopBackOff
  sleep 30
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
