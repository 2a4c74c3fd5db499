#!/usr/bin/env bash
# Benign: a release of a Deployment whose strategy is Recreate (all old pods stop before any new
# one starts) and whose pods take 15 s to serve: its Service has no endpoint for about 20 s and
# the storefront, whose readiness calls it, goes unready for that while, then everything is
# ready again. A planned, short gap the team chose with the strategy; below what any pattern
# holds out for. Truth: nothing to report.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-shop}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" inventory 2 "sleep 15; $SERVE"
  kubectl -n "$ns" patch deployment inventory --type merge -p '{"spec":{"strategy":{"type":"Recreate","rollingUpdate":null}}}' >/dev/null
  rolled_out "$ns" inventory
  app "$ns" storefront 2 "$SERVE"
  probe_calls "$ns" storefront "http://inventory.$ns.svc.cluster.local/"
  rolled_out "$ns" storefront
}

provoke() {
  kubectl -n "$ns" set env deployment/inventory VERSION=2 >/dev/null
  log "released $ns/inventory (strategy Recreate)"
}

storefront_ready() { [ "$(kubectl -n "$ns" get deployment storefront -o jsonpath='{.status.readyReplicas}')" = "2" ]; }

settle() {
  rolled_out "$ns" inventory
  wait_until 120 "storefront ready again" storefront_ready
  sleep 20
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
