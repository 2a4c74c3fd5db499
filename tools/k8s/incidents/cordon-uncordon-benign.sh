#!/usr/bin/env bash
# Routine maintenance that needed no drain: the node is cordoned for a minute (kubectl cordon)
# and uncordoned; nothing was scheduled meanwhile except the background CronJob's next Job,
# which waits for the uncordon. Nothing should be reported.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-maintenance}"
node_name="${INCIDENT_NODE:-tapio-node}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" status-page 2 "$SERVE"
  rolled_out "$ns" status-page
}

provoke() {
  kubectl cordon "$node_name" >/dev/null
  log "cordoned $node_name"
  sleep 60
  kubectl uncordon "$node_name" >/dev/null
  log "uncordoned $node_name"
}

settle() { sleep 60; }

cleanup() {
  kubectl uncordon "$node_name" >/dev/null 2>&1 || true
  kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null
}

run_incident "$@"
