#!/usr/bin/env bash
# The node's kubelet stops (its process is stopped by PID): the node controller marks the
# node NotReady (Unknown) after its grace period and the pods on it not ready. The kubelet is
# started again at the end. Truth: root cause Node tapio-node (kubelet stopped posting
# status); symptom: the Node NotReady and the fleet/agent pods not ready.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-fleet}"
cluster="$incidents_dir/../cluster.sh"
node_ready_is() { [ "$(kubectl get node tapio-node -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = "$1" ]; }

prepare() {
  fresh_namespace "$ns"
  app "$ns" agent 2 "$SERVE"
  rolled_out "$ns" agent
}

provoke() {
  bash "$cluster" stop-kubelet
  log "kubelet stopped"
}

settle() {
  wait_until 120 "node tapio-node NotReady" node_ready_is Unknown
  sleep 20
  bash "$cluster" start-kubelet
  wait_until 120 "node tapio-node Ready again" node_ready_is True
}

cleanup() {
  bash "$cluster" start-kubelet
  kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null
}

run_incident "$@"
