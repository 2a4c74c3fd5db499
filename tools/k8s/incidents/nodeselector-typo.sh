#!/usr/bin/env bash
# A release pins a Deployment's pods to nodes labelled disktype=sdd (a typo for ssd; no node
# carries either). The new ReplicaSet's first pod cannot be scheduled (FailedScheduling: didn't
# match Pod's node affinity/selector) and stays Pending; the old pods keep serving and the
# rollout waits. Truth: root cause Deployment ledger/writer (its template's nodeSelector);
# symptom: the new pod that stays Pending.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-ledger}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" writer 2 "$SERVE"
  rolled_out "$ns" writer
}

provoke() {
  kubectl -n "$ns" patch deployment writer --type merge -p '{"spec":{"template":{"spec":{"nodeSelector":{"disktype":"sdd"}}}}}' >/dev/null
  log "pinned $ns/writer's pods to nodes labelled disktype=sdd (no node has it)"
}

settle() {
  wait_until 90 "a writer pod failed scheduling" event_seen "$ns" FailedScheduling "node affinity/selector"
  sleep 60
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
