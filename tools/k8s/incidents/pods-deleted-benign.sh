#!/usr/bin/env bash
# Benign: an operator deletes the pods of a Deployment one by one (kubectl delete pod, the way
# people "bounce" an app); each is replaced at once and becomes ready, the Service always keeps an
# endpoint. Nothing is wrong: Tapio should report nothing loud.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-catalog}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" search 3 "$SERVE"
  rolled_out "$ns" search
}

provoke() {
  for pod in $(kubectl -n "$ns" get pods -l app=search -o jsonpath='{.items[*].metadata.name}'); do
    kubectl -n "$ns" delete pod "$pod" --wait=false >/dev/null
    log "deleted pod $ns/$pod"
    sleep 12
  done
}

all_ready() { [ "$(kubectl -n "$ns" get pods -l app=search -o jsonpath='{.items[*].status.containerStatuses[*].ready}' | tr ' ' '\n' | grep -c true)" -ge 3 ]; }

settle() {
  wait_until 90 "three search pods ready again" all_ready
  sleep 30
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
