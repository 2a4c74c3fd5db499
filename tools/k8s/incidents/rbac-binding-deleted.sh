#!/usr/bin/env bash
# The reconciler app runs as its own ServiceAccount (reconciler) and lists the namespace's
# configmaps through the Kubernetes API every 3 s, granted by Role reconciler through
# RoleBinding reconciler. Someone deletes the RoleBinding (kubectl delete: a cleanup of
# "unused" bindings); the ServiceAccount and the Role stay. No pod or Deployment changes; the
# next list call is refused (403 Forbidden), the app exits 1, and every restart is refused
# again (CrashLoopBackOff); Service reconciler loses its endpoints.
# Truth: root cause RoleBinding ledger-sync/reconciler (deleted); symptom: the reconciler pods
# crash-looping.
source "$(dirname "$0")/lib.sh"
source "$incidents_dir/rbac-app.sh"
ns="${INCIDENT_NS:-ledger-sync}"

prepare() {
  fresh_namespace "$ns"
  rbac_app "$ns" reconciler 2
}

provoke() {
  kubectl -n "$ns" delete rolebinding reconciler >/dev/null
  log "deleted RoleBinding $ns/reconciler (Role reconciler to ServiceAccount reconciler)"
}

settle() {
  wait_until 60 "a reconciler container exited (list refused)" pod_in_state "$ns" reconciler Error
  wait_until 180 "a reconciler pod crash-loops" pod_in_state "$ns" reconciler CrashLoopBackOff
  sleep 30
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
