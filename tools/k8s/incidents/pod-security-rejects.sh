#!/usr/bin/env bash
# A namespace enforces the "restricted" Pod Security Standard (label
# pod-security.kubernetes.io/enforce=restricted, applied while its pods already ran: existing
# pods are not evicted). The next release of its Deployment (a routine restart) creates pods the
# admission controller rejects (FailedCreate: violates PodSecurity "restricted:latest"): the
# rollout is stuck with the old pods serving. Truth: root cause Namespace secure-apps (its
# enforce label); symptom: the new ReplicaSet of api that cannot create pods.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-secure-apps}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" api 2 "$SERVE"
  rolled_out "$ns" api
}

provoke() {
  kubectl label namespace "$ns" pod-security.kubernetes.io/enforce=restricted --overwrite >/dev/null 2>&1
  log "namespace $ns enforces the restricted Pod Security Standard"
  sleep 15
  kubectl -n "$ns" rollout restart deployment api >/dev/null
  log "routine restart of $ns/api"
}

settle() {
  wait_until 90 "ReplicaSet reports FailedCreate for PodSecurity" event_seen "$ns" FailedCreate PodSecurity
  sleep 40
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
