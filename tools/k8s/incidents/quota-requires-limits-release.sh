#!/usr/bin/env bash
# The near miss of quota-requires-limits: the namespace has had a ResourceQuota on CPU and memory
# limits for a long time, and its pods name their limits. A release drops the container's
# resources (a chart upgrade that lost them); the new ReplicaSet's pods are refused (FailedCreate:
# failed quota: team-share: must specify limits.cpu ...); the old pods keep serving.
# Truth: root cause Deployment ledger-team/reconciler (its template lost its limits); symptom:
# the new ReplicaSet. The quota did not change.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-ledger-team}"

prepare() {
  fresh_namespace "$ns"
  kubectl -n "$ns" create quota team-share --hard=limits.cpu=4,limits.memory=4Gi >/dev/null
  app "$ns" reconciler 2 "$SERVE" "          resources: { limits: { cpu: 200m, memory: 64Mi } }"
  rolled_out "$ns" reconciler
}

provoke() {
  kubectl -n "$ns" patch deployment reconciler --type json -p '[{"op":"remove","path":"/spec/template/spec/containers/0/resources"}]' >/dev/null
  log "released $ns/reconciler without its container's resources (the quota requires limits)"
}

settle() {
  wait_until 90 "the ReplicaSet was refused pods for the quota" event_seen "$ns" FailedCreate "must specify"
  sleep 40
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
