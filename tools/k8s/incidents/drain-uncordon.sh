#!/usr/bin/env bash
# Benign planned maintenance: `kubectl drain` of the node (cordon, evictions through the
# eviction API with the DisruptionTarget condition), the evicted pods wait Pending on the
# cordoned node, then `kubectl uncordon` and they run again. Truth: benign (no insight of
# severity medium or above). The cluster is shared, so only this incident's pods are evicted
# (--pod-selector); the cordon itself is node-wide for about 30 s and always undone.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-maintenance}"
node="${TAPIO_K8S_NODE_NAME:-tapio-node}"
drill="drill-$ns"

prepare() {
  fresh_namespace "$ns"
  app "$ns" api 2 "$SERVE" "" "" 
  kubectl -n "$ns" patch deployment api --type merge -p "{\"spec\":{\"template\":{\"metadata\":{\"labels\":{\"maintenance\":\"$drill\"}}}}}" >/dev/null
  rolled_out "$ns" api
}

all_pending() { [ "$(kubectl -n "$ns" get pods -l app=api --field-selector=status.phase=Pending -o name | wc -l)" -ge 2 ]; }

provoke() {
  kubectl drain "$node" --pod-selector="maintenance=$drill" --ignore-daemonsets --delete-emptydir-data --grace-period=2 --timeout=90s >/dev/null
  log "drained $node of the $ns pods (cordoned)"
  wait_until 60 "the evicted pods wait Pending on the cordoned node" all_pending
  sleep "${DRAIN_HOLD:-25}"
  kubectl uncordon "$node" >/dev/null
  log "uncordoned $node"
}

settle() { rolled_out "$ns" api; sleep 10; }

# Never leave the shared node cordoned, whatever happened.
cleanup() {
  kubectl uncordon "$node" >/dev/null 2>&1 || true
  kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null
}

run_incident "$@"
