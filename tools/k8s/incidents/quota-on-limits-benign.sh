#!/usr/bin/env bash
# The benign twin of quota-requires-limits: a ResourceQuota on CPU and memory limits is added to
# a namespace whose pods already name their limits; a routine restart twenty seconds later
# completes within the quota. Truth: nothing is wrong (a quota created, a routine restart).
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-ledger-team}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" reconciler 2 "$SERVE" "          resources: { limits: { cpu: 200m, memory: 64Mi } }"
  rolled_out "$ns" reconciler
}

provoke() {
  kubectl -n "$ns" create quota team-share --hard=limits.cpu=4,limits.memory=4Gi >/dev/null
  log "created ResourceQuota $ns/team-share on limits.cpu and limits.memory (the pods name their limits)"
  sleep 20
  kubectl -n "$ns" rollout restart deployment/reconciler >/dev/null
  log "restarted $ns/reconciler (kubectl rollout restart)"
}

settle() { rolled_out "$ns" reconciler; log "the restart completed"; sleep 40; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
