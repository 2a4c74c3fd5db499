#!/usr/bin/env bash
# A Service's port is changed (80 -> 8080, "to match the container") while its callers still
# dial port 80: the Service's pods stay ready and its endpoints stay listed, but every
# connection to the old port is refused, and the caller whose readiness calls it goes unready.
# Truth: root cause Service shop-api/inventory (port 80 -> 8080); symptom: the caller's pods
# that turn not ready. The callee's pods are fine.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-shop-api}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" inventory 2 "$SERVE"
  rolled_out "$ns" inventory
  app "$ns" storefront 2 "$SERVE"
  probe_calls "$ns" storefront "http://inventory:80/"
  rolled_out "$ns" storefront
}

provoke() {
  kubectl -n "$ns" patch service inventory --type json -p '[{"op":"replace","path":"/spec/ports/0/port","value":8080}]' >/dev/null
  log "changed the port of Service $ns/inventory to 8080; its callers dial 80"
}

storefront_unready() { kubectl -n "$ns" get pods -l app=storefront -o jsonpath='{.items[*].status.containerStatuses[*].ready}' | grep -qw false; }

settle() { wait_until 120 "a storefront pod went not ready" storefront_unready; sleep 25; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
