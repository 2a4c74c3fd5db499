#!/usr/bin/env bash
# A namespace's ResourceQuota is lowered to the pods already running; the next scale-up is
# refused (FailedCreate on the ReplicaSet). Truth: root cause ResourceQuota
# analytics/compute (pods 10 -> 2); symptom: ReplicaSet of analytics/worker failing to create pods.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-analytics}"

prepare() {
  fresh_namespace "$ns"
  kubectl -n "$ns" create quota compute --hard=pods=10 >/dev/null
  app "$ns" worker 2 "$SERVE"
  rolled_out "$ns" worker
}

provoke() {
  kubectl -n "$ns" patch resourcequota compute --type merge -p '{"spec":{"hard":{"pods":"2"}}}' >/dev/null
  log "lowered ResourceQuota $ns/compute to pods=2"
  sleep 10
  kubectl -n "$ns" scale deployment/worker --replicas=4 >/dev/null
  log "scaled $ns/worker to 4"
}

refused() { kubectl -n "$ns" get events --field-selector reason=FailedCreate -o name | grep -q .; }

settle() { wait_until 120 "the ReplicaSet was refused pods (FailedCreate)" refused; sleep 20; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
