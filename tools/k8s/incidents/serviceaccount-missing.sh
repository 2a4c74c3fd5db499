#!/usr/bin/env bash
# A release points a Deployment's pods at a ServiceAccount that does not exist (a typo in
# spec.serviceAccountName). The ReplicaSet controller cannot create the new pods (FailedCreate:
# serviceaccount "…" not found); the old pods keep serving, so the rollout is stuck, not an
# outage. Truth: root cause Deployment payments/ledger (its template's ServiceAccount); symptom:
# the new ReplicaSet of ledger that cannot create pods.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-payments}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" ledger 2 "$SERVE"
  rolled_out "$ns" ledger
}

provoke() {
  kubectl -n "$ns" patch deployment ledger --type merge -p '{"spec":{"template":{"spec":{"serviceAccountName":"ledger-writer"}}}}' >/dev/null
  log "pointed $ns/ledger's pods at ServiceAccount ledger-writer, which does not exist"
}

settle() {
  wait_until 90 "ReplicaSet reports FailedCreate for the missing ServiceAccount" event_seen "$ns" FailedCreate ledger-writer
  sleep 40
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
