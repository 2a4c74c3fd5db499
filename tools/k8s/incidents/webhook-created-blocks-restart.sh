#!/usr/bin/env bash
# A platform team installs a policy engine: its ValidatingWebhookConfiguration (failurePolicy
# Fail, every pod created in the payments namespace) goes in first, while the engine's own
# Deployment is not there yet, so the webhook's Service does not exist. The running ledger pods
# carry on. Twenty seconds later a routine restart creates a ReplicaSet whose pods the API
# server refuses (FailedCreate: failed calling webhook "gate.policy.example.com" ... service
# "policy-gate" not found); the old pods keep serving and the rollout waits.
# Truth: root cause ValidatingWebhookConfiguration policy-gate (created); symptom: the new
# ReplicaSet that cannot create pods. The restart is not the cause.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-payments}"
hook="policy-gate"

prepare() {
  fresh_namespace "$ns"
  kubectl delete validatingwebhookconfiguration "$hook" --ignore-not-found >/dev/null
  app "$ns" ledger 2 "$SERVE"
  rolled_out "$ns" ledger
}

provoke() {
  policy_webhook "$hook" "$ns" policy
  log "created ValidatingWebhookConfiguration $hook (failurePolicy Fail, pods in $ns) before its service exists"
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
  kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null
}

run_incident "$@"
