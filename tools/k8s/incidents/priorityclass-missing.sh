#!/usr/bin/env bash
# A release gives a Deployment's pods a PriorityClass that does not exist (a name nobody
# created: spec.priorityClassName: batch-high). The priority admission plugin refuses every new
# pod (FailedCreate: no PriorityClass with name batch-high was found); the old pods keep serving
# and the rollout waits. Truth: root cause Deployment reports/renderer (its template names the
# class); symptom: the new ReplicaSet that cannot create pods. The PriorityClass never existed.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-reports}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" renderer 2 "$SERVE"
  rolled_out "$ns" renderer
}

provoke() {
  kubectl -n "$ns" patch deployment renderer --type merge -p '{"spec":{"template":{"spec":{"priorityClassName":"batch-high"}}}}' >/dev/null
  log "gave $ns/renderer's pods PriorityClass batch-high, which does not exist"
}

settle() {
  wait_until 90 "ReplicaSet reports FailedCreate for the missing PriorityClass" event_seen "$ns" FailedCreate batch-high
  sleep 60
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
