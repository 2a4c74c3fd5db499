#!/usr/bin/env bash
# Someone raises a HorizontalPodAutoscaler's minReplicas from 1 to 6 ("never fewer than six
# before the sale"); each search pod requests a third of the CPU the node has free, so the
# autoscaler scales the Deployment to 6 and three pods stay Pending (FailedScheduling:
# Insufficient cpu). The autoscaler enforces its bounds without any metrics (this cluster has no
# metrics server: its utilisation target cannot be read, FailedGetResourceMetric, and is beside
# the point). Truth: root cause HorizontalPodAutoscaler catalog/search; also acceptable the
# Deployment it scaled; symptom: a search pod that is never scheduled.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-catalog}"
node_name="${INCIDENT_NODE:-tapio-node}"

prepare() {
  fresh_namespace "$ns"
  local share
  share=$(( $(free_cpu "$node_name") / 3 ))
  [ "$share" -gt 10 ] || { log "no CPU left to share on $node_name"; return 1; }
  app "$ns" search 1 "$SERVE" "          resources: { requests: { cpu: ${share}m } }"
  autoscaler "$ns" search 1 8
  rolled_out "$ns" search
  log "search requests ${share}m CPU per pod: three fit beside what runs"
}

provoke() {
  kubectl -n "$ns" patch hpa search --type merge -p '{"spec":{"minReplicas":6}}' >/dev/null
  log "raised the minReplicas of $ns/search to 6"
}

unschedulable() { event_seen "$ns" FailedScheduling "Insufficient cpu"; }

settle() { wait_until 120 "a search pod failed scheduling" unschedulable; sleep 25; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
