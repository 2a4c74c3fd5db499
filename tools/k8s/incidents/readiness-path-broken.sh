#!/usr/bin/env bash
# A release points the readiness probe at a path the app does not serve (/healthz: 404): the
# new pod runs but never becomes ready, the rollout stalls; nothing restarts (a readiness
# probe does not kill). Truth: root cause Deployment reviews/ratings (readinessProbe path
# / -> /healthz); symptom: the new ratings pod that never becomes ready.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-reviews}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" ratings 2 "$SERVE"
  rolled_out "$ns" ratings
}

provoke() {
  kubectl -n "$ns" patch deployment ratings --type json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/readinessProbe/httpGet/path","value":"/healthz"}]' >/dev/null
  log "pointed the readiness probe of $ns/ratings at /healthz (not served)"
}

unready() { kubectl -n "$ns" get events --field-selector reason=Unhealthy -o name | grep -q .; }

settle() { wait_until 120 "a ratings pod failed its readiness probe" unready; sleep 30; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
