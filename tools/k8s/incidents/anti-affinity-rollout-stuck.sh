#!/usr/bin/env bash
# A release adds a required pod anti-affinity (no two search pods on one node, by hostname) to a
# Deployment of two replicas on a one-node cluster. The new ReplicaSet's first pod cannot be
# scheduled beside the old pods (FailedScheduling: didn't match pod anti-affinity rules) and
# stays Pending; the old pods keep serving and the rollout waits. Nothing about the node changed.
# Truth: root cause Deployment catalog/search (its template's anti-affinity); symptom: the new
# pod that stays Pending. The node is not the cause.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-catalog}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" search 2 "$SERVE"
  rolled_out "$ns" search
}

provoke() {
  kubectl -n "$ns" patch deployment search --type merge -p '{"spec":{"template":{"spec":{"affinity":{"podAntiAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":[{"labelSelector":{"matchLabels":{"app":"search"}},"topologyKey":"kubernetes.io/hostname"}]}}}}}}' >/dev/null
  log "added a required pod anti-affinity (one search pod per node) to $ns/search on a one-node cluster"
}

settle() {
  wait_until 90 "a search pod failed scheduling" event_seen "$ns" FailedScheduling "anti-affinity"
  sleep 60
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
