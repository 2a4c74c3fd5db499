#!/usr/bin/env bash
# A DaemonSet's image is changed to one that does not exist: its rolling update takes the old
# pod of the node down first (maxUnavailable 1), and the new one never starts
# (ErrImageNeverPull: nothing is pulled on the test machines), so the node runs none.
# Truth: root cause DaemonSet monitoring/node-probe (image tapio.local/busybox:3 ->
# tapio.local/node-probe:1.4.0); symptom: the new node-probe pod that cannot get its image.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-monitoring}"

prepare() {
  fresh_namespace "$ns"
  daemonset "$ns" node-probe "$SERVE"
}

provoke() {
  kubectl -n "$ns" set image daemonset/node-probe node-probe=tapio.local/node-probe:1.4.0 >/dev/null
  log "changed the image of DaemonSet $ns/node-probe to tapio.local/node-probe:1.4.0 (not present)"
}

settle() { wait_until 120 "a node-probe pod cannot get its image" pod_in_state "$ns" node-probe ErrImageNeverPull; sleep 30; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
