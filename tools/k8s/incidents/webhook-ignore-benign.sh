#!/usr/bin/env bash
# The benign twin of webhook-created-blocks-restart: a policy engine's ValidatingWebhookConfiguration
# goes in before its backend runs, but in audit mode (failurePolicy Ignore): the API server
# cannot call it and admits the pods anyway. A routine restart twenty seconds later completes.
# Truth: nothing is wrong (a configuration created, a routine restart).
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
  policy_webhook "$hook" "$ns" policy Ignore
  log "created ValidatingWebhookConfiguration $hook (failurePolicy Ignore, pods in $ns) before its service exists"
  sleep 20
  kubectl -n "$ns" rollout restart deployment/ledger >/dev/null
  log "restarted $ns/ledger (kubectl rollout restart)"
}

settle() { rolled_out "$ns" ledger; log "the restart completed"; sleep 40; }

cleanup() {
  kubectl delete validatingwebhookconfiguration "$hook" --ignore-not-found >/dev/null
  kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null
}

run_incident "$@"
