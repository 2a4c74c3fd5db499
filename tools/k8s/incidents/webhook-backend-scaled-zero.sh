#!/usr/bin/env bash
# A policy engine has run for a while: its ValidatingWebhookConfiguration (failurePolicy Fail,
# every pod created in the payments namespace) calls Service policy/policy-gate, whose
# Deployment is ready. Someone scales that Deployment to zero (a cost cleanup); nothing breaks
# while no pod is created. Twenty seconds later a routine restart of the ledger creates a
# ReplicaSet whose pods the API server refuses (FailedCreate: failed calling webhook
# "gate.policy.example.com" ... no endpoints available for service "policy-gate"); the old pods
# keep serving and the rollout waits.
# Truth: root cause Deployment policy/policy-gate (scaled to zero); symptom: the ledger's new
# ReplicaSet. Neither the restart nor the webhook configuration (unchanged) is the cause.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-payments}"
engine_ns="${ENGINE_NS:-policy}"
hook="policy-gate"

prepare() {
  fresh_namespace "$ns"
  fresh_namespace "$engine_ns"
  kubectl delete validatingwebhookconfiguration "$hook" --ignore-not-found >/dev/null
  app "$ns" ledger 2 "$SERVE"
  rolled_out "$ns" ledger
  webhook_backend "$engine_ns" "$hook"
  policy_webhook "$hook" "$ns" "$engine_ns"
}

provoke() {
  kubectl -n "$engine_ns" scale deployment "$hook" --replicas=0 >/dev/null
  log "scaled $engine_ns/$hook to 0: the webhook's Service has no endpoints"
  sleep 20
  kubectl -n "$ns" rollout restart deployment/ledger >/dev/null
  log "restarted $ns/ledger (kubectl rollout restart)"
}

settle() {
  wait_until 90 "ReplicaSet reports FailedCreate for the webhook" event_seen "$ns" FailedCreate "failed calling webhook"
  sleep 40
}

cleanup() {
  kubectl delete validatingwebhookconfiguration "$hook" --ignore-not-found >/dev/null
  kubectl delete namespace "$ns" "$engine_ns" --ignore-not-found --wait=false >/dev/null
}

run_incident "$@"
