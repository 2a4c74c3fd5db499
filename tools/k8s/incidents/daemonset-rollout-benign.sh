#!/usr/bin/env bash
# Benign: a routine release of a DaemonSet (a new environment variable). Its rolling update
# takes the node's pod down first (maxUnavailable 1) and starts the new one, which serves a
# few seconds later. Nothing is broken: no loud incident.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-logging}"

prepare() {
  fresh_namespace "$ns"
  daemonset "$ns" log-agent "$SERVE"
}

provoke() {
  kubectl -n "$ns" set env daemonset/log-agent FLUSH_SECONDS=5 >/dev/null
  log "set FLUSH_SECONDS=5 on DaemonSet $ns/log-agent (a routine release)"
}

settle() {
  kubectl -n "$ns" rollout status daemonset/log-agent --timeout=120s >/dev/null
  log "the rolling update finished"
  sleep 30
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
