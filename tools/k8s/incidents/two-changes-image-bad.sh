#!/usr/bin/env bash
# Two changes within a minute, one harmless: the ConfigMap the app reads gets a new, valid
# value (LOG_LEVEL info -> debug), and a release sets an image tag that does not exist. The
# new pod never starts (ErrImageNeverPull); the ConfigMap is not why. Truth: root cause
# Deployment catalog-c/search (its image); symptom: the new search pod.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-catalog-c}"

prepare() {
  fresh_namespace "$ns"
  kubectl -n "$ns" create configmap search-settings --from-literal=LOG_LEVEL=info >/dev/null
  app "$ns" search 2 "$SERVE" '          envFrom: [{ configMapRef: { name: search-settings } }]'
  rolled_out "$ns" search
}

provoke() {
  kubectl -n "$ns" patch configmap search-settings --type merge -p '{"data":{"LOG_LEVEL":"debug"}}' >/dev/null
  log "edited ConfigMap $ns/search-settings: LOG_LEVEL info -> debug (a valid value)"
  sleep 20
  kubectl -n "$ns" set image deployment/search "search=tapio.local/search:does-not-exist" >/dev/null
  log "set the image of $ns/search to tapio.local/search:does-not-exist"
}

settle() { wait_until 120 "the new search pod cannot get its image" pod_in_state "$ns" search ErrImageNeverPull; sleep 60; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
