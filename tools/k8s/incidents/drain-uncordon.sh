#!/usr/bin/env bash
# Benign planned maintenance: `kubectl drain` of the node (cordon, evictions through the
# eviction API with the DisruptionTarget condition), the evicted pods wait Pending on the
# cordoned node, the node's kubelet is restarted (its "reboot"; DRAIN_RESTART_KUBELET=0 skips
# it), then `kubectl uncordon` and they run again. Truth: benign (no insight of
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

node_ready() { [ "$(kubectl get node "$node" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]; }

all_pending() { [ "$(kubectl -n "$ns" get pods -l app=api --field-selector=status.phase=Pending -o name | wc -l)" -ge 2 ]; }

provoke() {
  kubectl drain "$node" --pod-selector="maintenance=$drill" --ignore-daemonsets --delete-emptydir-data --grace-period=2 --timeout=90s >/dev/null
  log "drained $node of the $ns pods (cordoned)"
  wait_until 60 "the evicted pods wait Pending on the cordoned node" all_pending
  sleep "${DRAIN_HOLD:-25}"
  # The "reboot" of the drained node: on this single-node cluster the node is the whole shared
  # machine, which is never rebooted; its kubelet is stopped (by PID) and started again, as it
  # would be on the way down and up. Other runs' pods keep running meanwhile (containerd holds
  # them); only the kubelet's API is away for those seconds.
  if [ "${DRAIN_RESTART_KUBELET:-1}" = 1 ]; then
    bash "$incidents_dir/../cluster.sh" stop-kubelet >/dev/null
    log "kubelet of $node stopped (the reboot)"
    sleep "${REBOOT_DOWN:-8}"
    bash "$incidents_dir/../cluster.sh" start-kubelet >/dev/null
    wait_until 120 "$node Ready again after its kubelet restart" node_ready
  fi
  kubectl uncordon "$node" >/dev/null
  log "uncordoned $node"
}

settle() { rolled_out "$ns" api; sleep 10; }

# Never leave the shared node cordoned or its kubelet stopped, whatever happened.
cleanup() {
  bash "$incidents_dir/../cluster.sh" start-kubelet >/dev/null 2>&1 || true
  kubectl uncordon "$node" >/dev/null 2>&1 || true
  kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null
}

run_incident "$@"
