#!/usr/bin/env bash
# Benign: someone lowers a HorizontalPodAutoscaler's maxReplicas from 6 to 2 while it keeps its
# Deployment at 4 (its minReplicas); the autoscaler scales the Deployment down to 2, the two
# pods left keep serving, nothing fails. Truth: nothing to report (a scale-down within bounds
# someone chose is not an incident).
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-catalog}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" search 4 "$SERVE" '          resources: { requests: { cpu: 10m } }'
  autoscaler "$ns" search 4 6
  rolled_out "$ns" search
}

provoke() {
  kubectl -n "$ns" patch hpa search --type merge -p '{"spec":{"minReplicas":1,"maxReplicas":2}}' >/dev/null
  log "lowered the maxReplicas of $ns/search to 2 (minReplicas 1)"
}

scaled_down() { [ "$(kubectl -n "$ns" get deployment search -o jsonpath='{.status.replicas}')" = "2" ]; }

settle() { wait_until 120 "search scaled down to 2" scaled_down; sleep 20; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
