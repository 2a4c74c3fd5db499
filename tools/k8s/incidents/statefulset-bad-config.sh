#!/usr/bin/env bash
# A StatefulSet's release sets an environment variable its program rejects at start: the
# rolling update replaces the highest ordinal first and that pod crash-loops; the other keeps
# serving. Truth: root cause StatefulSet queue/broker (env MODE=cluster-v2 added, which the
# program refuses); symptom: broker-1 crash-looping.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-queue}"
BROKER='case "${MODE:-standalone}" in standalone) ;; *) echo "unknown MODE $MODE" >&2; exit 3;; esac; mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www'

prepare() {
  fresh_namespace "$ns"
  statefulset "$ns" broker 2 "$BROKER"
}

provoke() {
  kubectl -n "$ns" set env statefulset/broker MODE=cluster-v2 >/dev/null
  log "set MODE=cluster-v2 on StatefulSet $ns/broker (the program rejects it)"
}

settle() { wait_until 150 "a broker pod is crash-looping" pod_in_state "$ns" broker CrashLoopBackOff; sleep 30; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
