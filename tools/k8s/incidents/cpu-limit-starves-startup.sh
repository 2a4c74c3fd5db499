#!/usr/bin/env bash
# The app warms up (a busy loop of about a second at full speed) before it serves, and its
# liveness probe gives it 10 seconds. A release caps its CPU at 20m: the warm-up now takes
# about a minute, the liveness probe kills each new container before it serves, and the new
# pods restart again and again; the old pods keep serving and the rollout waits. Truth: root
# cause Deployment pricing/quoter (its template's CPU limit); symptom: the new pod whose
# container is killed by its liveness probe.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-pricing}"
WARM='i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www'
LIVENESS='          livenessProbe: { httpGet: { path: /, port: 8080 }, initialDelaySeconds: 4, periodSeconds: 2, failureThreshold: 3 }'

prepare() {
  fresh_namespace "$ns"
  app "$ns" quoter 2 "$WARM" "$LIVENESS"
  rolled_out "$ns" quoter
}

provoke() {
  kubectl -n "$ns" set resources deployment/quoter --limits=cpu=20m >/dev/null
  log "capped $ns/quoter's CPU at 20m"
}

settle() {
  wait_until 150 "the liveness probe kills a new quoter container" event_seen "$ns" Killing "failed liveness probe"
  sleep 60
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
