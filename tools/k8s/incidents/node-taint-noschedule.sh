#!/usr/bin/env bash
# The node gets a NoSchedule taint (dedicated=batch) meant for a future batch pool; running pods
# stay, but the next routine restart's pod cannot be scheduled (untolerated taint) and stays
# Pending, as do the background CronJob's pods. The taint is removed at the end. Truth: root
# cause Node tapio-node (tainted); symptom: the new pod of dispatch/router that stays Pending.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-dispatch}"
node_name="${INCIDENT_NODE:-tapio-node}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" router 2 "$SERVE"
  rolled_out "$ns" router
}

provoke() {
  kubectl taint node "$node_name" dedicated=batch:NoSchedule >/dev/null
  log "tainted node $node_name dedicated=batch:NoSchedule"
  sleep 20
  kubectl -n "$ns" rollout restart deployment/router >/dev/null
  log "restarted $ns/router (kubectl rollout restart)"
}

unschedulable() { kubectl -n "$ns" get events --field-selector reason=FailedScheduling -o name | grep -q .; }

settle() { wait_until 120 "a router pod failed scheduling" unschedulable; sleep 60; }

cleanup() {
  kubectl taint node "$node_name" dedicated=batch:NoSchedule- >/dev/null 2>&1 || true
  kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null
}

run_incident "$@"
