#!/usr/bin/env bash
# A sidecar injector has run for a while: its MutatingWebhookConfiguration (failurePolicy Fail,
# every pod created in the orders namespace) calls Service mesh/injector. Someone deletes the
# injector's Deployment (an uninstall that forgot the webhook); nothing breaks while no pod is
# created. Twenty seconds later a routine restart of the orders api creates a ReplicaSet whose
# pods the API server refuses (FailedCreate: failed calling webhook ... ); the old pods keep
# serving. Truth: root cause Deployment mesh/injector (deleted); symptom: the new ReplicaSet.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-orders}"
mesh_ns="${MESH_NS:-mesh}"
hook="injector"

prepare() {
  fresh_namespace "$ns"
  fresh_namespace "$mesh_ns"
  kubectl delete mutatingwebhookconfiguration "$hook" --ignore-not-found >/dev/null
  app "$ns" api 2 "$SERVE"
  rolled_out "$ns" api
  webhook_backend "$mesh_ns" "$hook"
  admission_webhook MutatingWebhookConfiguration "$hook" inject.mesh.example.com /inject "$ns" "$mesh_ns"
}

provoke() {
  kubectl -n "$mesh_ns" delete deployment "$hook" >/dev/null
  log "deleted Deployment $mesh_ns/$hook (its MutatingWebhookConfiguration stays)"
  sleep 20
  kubectl -n "$ns" rollout restart deployment/api >/dev/null
  log "restarted $ns/api (kubectl rollout restart)"
}

settle() {
  wait_until 90 "ReplicaSet reports FailedCreate for the webhook" event_seen "$ns" FailedCreate "failed calling webhook"
  sleep 40
}

cleanup() {
  kubectl delete mutatingwebhookconfiguration "$hook" --ignore-not-found >/dev/null
  kubectl delete namespace "$ns" "$mesh_ns" --ignore-not-found --wait=false >/dev/null
}

run_incident "$@"
