#!/usr/bin/env bash
# The app runs as its own ServiceAccount (ledger-writer). Someone deletes the ServiceAccount
# (a cleanup of "unused" accounts); the running pods carry on. Twenty seconds later a routine
# restart creates a ReplicaSet whose pods the ServiceAccount admission refuses (FailedCreate:
# serviceaccount "ledger-writer" not found); the old pods keep serving and the rollout waits.
# Truth: root cause ServiceAccount payments/ledger-writer (deleted); symptom: the new ReplicaSet
# that cannot create pods. The restart is not the cause.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-payments}"

prepare() {
  fresh_namespace "$ns"
  kubectl -n "$ns" create serviceaccount ledger-writer >/dev/null
  app "$ns" ledger 2 "$SERVE" "" "      serviceAccountName: ledger-writer"
  rolled_out "$ns" ledger
}

provoke() {
  kubectl -n "$ns" delete serviceaccount ledger-writer >/dev/null
  log "deleted ServiceAccount $ns/ledger-writer, which the ledger pods run as"
  sleep 20
  kubectl -n "$ns" rollout restart deployment/ledger >/dev/null
  log "restarted $ns/ledger (kubectl rollout restart)"
}

settle() {
  wait_until 90 "ReplicaSet reports FailedCreate for the deleted ServiceAccount" event_seen "$ns" FailedCreate ledger-writer
  sleep 40
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
