#!/usr/bin/env bash
# A new high-priority Deployment needs CPU the node has promised to low-priority pods: the
# scheduler preempts them (DisruptionTarget PreemptionByScheduler, Preempted Events) and the
# victims wait Pending. Requests only, nothing burns CPU. Truth: root cause the preemptor,
# Deployment batch-prio/ingest (alsoAcceptable: PriorityClass tapio-critical-<ns>); symptom:
# the preempted pods of batch-prio/reindex.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-batch-prio}"
class="tapio-critical-$ns"

allocatable_millis() {
  local cpu; cpu="$(kubectl get node "${TAPIO_K8S_NODE_NAME:-tapio-node}" -o jsonpath='{.status.allocatable.cpu}')"
  case "$cpu" in *m) echo "${cpu%m}";; *) echo $((cpu * 1000));; esac
}

prepare() {
  fresh_namespace "$ns"
  kubectl apply -f - >/dev/null <<YAML
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: { name: $class }
value: 100000
preemptionPolicy: PreemptLowerPriority
description: ingestion must run
YAML
  # Three low-priority pods take 3/4 of the node's CPU (requests only).
  local each=$(( $(allocatable_millis) / 4 ))
  app "$ns" reindex 3 "$SERVE" "          resources: { requests: { cpu: ${each}m } }"
  rolled_out "$ns" reindex
}

provoke() {
  local want=$(( $(allocatable_millis) * 6 / 10 ))
  app "$ns" ingest 1 "$SERVE" "          resources: { requests: { cpu: ${want}m } }" "      priorityClassName: $class"
  log "created high-priority Deployment $ns/ingest (cpu ${want}m)"
}

preempted() { kubectl -n "$ns" get events --field-selector reason=Preempted -o name | grep -q .; }

settle() { wait_until 120 "a reindex pod was preempted" preempted; rolled_out "$ns" ingest; sleep 15; }

cleanup() {
  kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null
  kubectl delete priorityclass "$class" --ignore-not-found >/dev/null
}

run_incident "$@"
