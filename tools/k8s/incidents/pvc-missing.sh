#!/usr/bin/env bash
# A release mounts a PersistentVolumeClaim that was never created: the scheduler cannot place
# the new pod (persistentvolumeclaim "search-cache" not found) and keeps it Pending; the old
# pods keep serving. Truth: root cause Deployment catalog-b/indexer (a volume from claim
# search-cache added to its template); symptom: the new indexer pod that is never scheduled.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-catalog-b}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" indexer 2 "$SERVE"
  rolled_out "$ns" indexer
}

provoke() {
  kubectl -n "$ns" patch deployment indexer --type json -p '[
    {"op":"add","path":"/spec/template/spec/volumes","value":[{"name":"cache","persistentVolumeClaim":{"claimName":"search-cache"}}]},
    {"op":"add","path":"/spec/template/spec/containers/0/volumeMounts","value":[{"name":"cache","mountPath":"/cache"}]}]' >/dev/null
  log "mounted claim search-cache (never created) into $ns/indexer"
}

unschedulable() { kubectl -n "$ns" get events --field-selector reason=FailedScheduling -o name | grep -q .; }

settle() { wait_until 120 "an indexer pod failed scheduling" unschedulable; sleep 30; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
