#!/usr/bin/env bash
# A release makes the container read a setting from a ConfigMap that was never created
# (env valueFrom configMapKeyRef): the kubelet cannot build the container's environment and
# the new pod waits in CreateContainerConfigError; nothing crashes, nothing restarts.
# Truth: root cause Deployment orders/fulfil (the pod template now references ConfigMap
# fulfil-settings, which does not exist); symptom: the new fulfil pod that never starts.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-orders}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" fulfil 2 "$SERVE"
  rolled_out "$ns" fulfil
}

provoke() {
  kubectl -n "$ns" patch deployment fulfil --type json -p '[{"op":"add","path":"/spec/template/spec/containers/0/env","value":[{"name":"WAREHOUSE","valueFrom":{"configMapKeyRef":{"name":"fulfil-settings","key":"warehouse"}}}]}]' >/dev/null
  log "made $ns/fulfil read WAREHOUSE from ConfigMap fulfil-settings (never created)"
}

settle() { wait_until 120 "a fulfil pod cannot get its configuration" pod_in_state "$ns" fulfil CreateContainerConfigError; sleep 20; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
