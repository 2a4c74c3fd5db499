#!/usr/bin/env bash
# A team deploys a new app whose pods request most of the node's CPU (nearly all that is left
# after what runs). It starts fine. Minutes later a routine restart of an unrelated app (its
# pods request a little CPU) cannot place its new pod: FailedScheduling, Insufficient cpu; it
# stays Pending. Truth: root cause Deployment analytics/cruncher (it took the capacity);
# symptom: the new pod of shop/cart that stays Pending. The restart is not the cause.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-shop}"
other_ns="${INCIDENT_OTHER_NS:-analytics}"
node_name="${INCIDENT_NODE:-tapio-node}"

REQUESTS='          resources: { requests: { cpu: 200m } }'

prepare() {
  fresh_namespace "$other_ns"
  fresh_namespace "$ns"
  app "$ns" cart 2 "$SERVE" "$REQUESTS"
  rolled_out "$ns" cart
}

provoke() {
  local take
  take=$(free_cpu "$node_name")
  [ "$take" -gt 0 ] || { log "no CPU left to take on $node_name"; return 1; }
  app "$other_ns" cruncher 1 "$SERVE" "          resources: { requests: { cpu: ${take}m } }"
  rolled_out "$other_ns" cruncher
  log "deployed $other_ns/cruncher requesting ${take}m CPU (all but 100m of what was free)"
  sleep 30
  kubectl -n "$ns" rollout restart deployment/cart >/dev/null
  log "restarted $ns/cart (kubectl rollout restart)"
}

settle() {
  wait_until 90 "a cart pod failed scheduling" event_seen "$ns" FailedScheduling "Insufficient cpu"
  sleep 60
}

cleanup() {
  kubectl delete namespace "$ns" "$other_ns" --ignore-not-found --wait=false >/dev/null
}

run_incident "$@"
