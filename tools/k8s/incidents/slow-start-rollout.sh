#!/usr/bin/env bash
# Routine: a release of an app that takes 40 s to start serving (no startup probe, no initial
# delay), rolled out one pod at a time: each new pod fails its readiness probe (connection
# refused) for about 40 s, then becomes ready and replaces an old one; the rollout completes.
# Truth: benign (a slow start is not an incident).
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-routine-slow}"
SLOW='sleep 40; mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www'

prepare() {
  fresh_namespace "$ns"
  app "$ns" reports 2 "$SERVE"
  rolled_out "$ns" reports
}

provoke() {
  kubectl -n "$ns" patch deployment reports --type json -p "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/command\",\"value\":[\"/bin/sh\",\"-c\",\"$SLOW\"]}]" >/dev/null
  log "released $ns/reports 2 (starts serving after 40 s)"
}

settle() { kubectl -n "$ns" rollout status deployment/reports --timeout=300s >/dev/null; log "the reports rollout completed"; sleep 20; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
