#!/usr/bin/env bash
# Node PID pressure: a release of the indexer (no limit on its processes: the node sets no pod
# PID limit) makes it fork a worker process per shard, about 700 long-lived ones, instead of the
# 8 it ran; the node's free task IDs fall below the kubelet's pid.available threshold, the kubelet
# reports EvictionThresholdMet ("Attempting to reclaim pids") and PIDPressure (taint
# node.kubernetes.io/pid-pressure) and evicts by its ranking, priority then process count: first
# the low-priority batch pods ("The node was low on resource: pids. Threshold quantity: N,
# available: M."; no per-container figures for pids), then the indexer itself, the pod with by
# far the most processes. Truth: root cause the forker, Deployment search/indexer; symptoms: the
# evicted pods; not the node, not the victims.
#
# The node is the whole shared host (kernel.pid_max 32768, a few hundred tasks in use), so the
# threshold is raised rather than the host's task IDs used up (node-pressure.sh): pid.available
# (kernel.pid_max minus every task of the host, threads included) MARGIN_PIDS (400) under what is
# free at the release; the indexer forks MARGIN_PIDS + OVERSHOOT_PIDS (700) workers, RATE_PIDS
# (25) a second, and stops there: the host peaks near a thousand tasks. For the window the kubelet
# also gets --containerd (cAdvisor's containerd factory), without which it has no per-pod process
# counts to rank by.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-search}"
signal=pid.available
incident="$incidents_dir/pid-pressure-eviction.sh"
source "$incidents_dir/node-pressure.sh"

# serve, then fork WORKERS sleeping worker processes, RATE a second, and wait for them.
forker() { echo "mkdir -p /www && echo ok > /www/index.html && httpd -p 8080 -h /www && i=0; while [ \$i -lt $1 ]; do j=0; while [ \$j -lt $2 ] && [ \$i -lt $1 ]; do sleep 3600 & i=\$((i + 1)); j=\$((j + 1)); done; sleep 1; done; wait"; }

prepare() {
  fresh_namespace "$ns"
  low_priority_class
  app "$ns" suggest-warmup 2 "$SERVE" "" "      priorityClassName: $low"
  # The indexer runs 8 workers before the release (the most processes of the node's ordinary
  # pods); the node sets no pod PID limit: nothing bounds it but the node.
  app "$ns" indexer 1 "$(forker 8 8)"
  rolled_out "$ns" suggest-warmup
  rolled_out "$ns" indexer
}

provoke() {
  local cap
  cap="$(raise_threshold)"
  # The release: the indexer now forks RATE_PIDS workers a second up to the margin plus an overshoot.
  kubectl -n "$ns" patch deployment indexer --type=json -p "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/command/2\",\"value\":$(json_string "$(forker "$cap" "$rate_pids")")}]" >/dev/null
  log "released $ns/indexer: forks ${rate_pids} workers/s to ${cap} processes, no PID limit"
}

settle() { settle_on_eviction indexer suggest-warmup; }
cleanup() { pressure_cleanup; }

# Run on its own: the kubelet's flags come back whatever step fails.
pressure_incident "$@"
