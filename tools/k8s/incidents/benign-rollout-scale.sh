#!/usr/bin/env bash
# Benign: a routine rolling update, then a scale up and back down. Nothing to report.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-routine}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" catalog 2 "$SERVE"
  rolled_out "$ns" catalog
}

provoke() {
  kubectl -n "$ns" set env deployment/catalog RELEASE=2026.12.1 >/dev/null
  log "rolling update of $ns/catalog"
  rolled_out "$ns" catalog
  kubectl -n "$ns" scale deployment/catalog --replicas=4 >/dev/null
  log "scaled $ns/catalog to 4"
  rolled_out "$ns" catalog
  sleep 10
  kubectl -n "$ns" scale deployment/catalog --replicas=2 >/dev/null
  log "scaled $ns/catalog back to 2"
}

settle() { rolled_out "$ns" catalog; sleep 10; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
