#!/usr/bin/env bash
# The app's pods require nodes labelled tier=frontend (node affinity, required during
# scheduling). Someone removes that label from the node; the running pods stay (the rule is
# ignored during execution), but the next routine restart's pod cannot be scheduled
# (FailedScheduling: didn't match Pod's node affinity/selector) and stays Pending. The label is
# put back at the end. Truth: root cause Node tapio-node (its label removed); symptom: the new
# pod of storefront/web that stays Pending. The restart is not the cause.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-storefront}"
node_name="${INCIDENT_NODE:-tapio-node}"

AFFINITY='      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
              - matchExpressions: [{ key: tier, operator: In, values: [frontend] }]'

prepare() {
  kubectl label node "$node_name" tier=frontend --overwrite >/dev/null
  fresh_namespace "$ns"
  app "$ns" web 2 "$SERVE" "" "$AFFINITY"
  rolled_out "$ns" web
}

provoke() {
  kubectl label node "$node_name" tier- >/dev/null
  log "removed label tier from node $node_name"
  sleep 20
  kubectl -n "$ns" rollout restart deployment/web >/dev/null
  log "restarted $ns/web (kubectl rollout restart)"
}

settle() {
  wait_until 90 "a web pod failed scheduling" event_seen "$ns" FailedScheduling "node affinity/selector"
  sleep 60
}

cleanup() {
  kubectl label node "$node_name" tier- >/dev/null 2>&1 || true
  kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null
}

run_incident "$@"
