#!/usr/bin/env bash
# Benign: a routine release of a three-replica StatefulSet (a new LOG_LEVEL its program
# accepts). The rolling update replaces the pods one at a time, highest ordinal first; each is
# briefly gone and not ready, then serves again. Nothing is broken: no loud incident.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-search}"
INDEX='echo "log level ${LOG_LEVEL:-info}"; mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www'

prepare() {
  fresh_namespace "$ns"
  statefulset "$ns" index 3 "$INDEX"
}

provoke() {
  kubectl -n "$ns" set env statefulset/index LOG_LEVEL=debug >/dev/null
  log "set LOG_LEVEL=debug on StatefulSet $ns/index (a routine release)"
}

settle() {
  kubectl -n "$ns" rollout status statefulset/index --timeout=180s >/dev/null
  log "the rolling update finished"
  sleep 30
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
