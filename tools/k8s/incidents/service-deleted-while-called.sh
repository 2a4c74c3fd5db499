#!/usr/bin/env bash
# Someone deletes the inventory Service (cleaning up what looked unused) while the storefront's
# readiness calls it by name: the name stops resolving, both storefront pods go unready and the
# storefront Service is left without endpoints. The inventory pods run on, healthy. Truth: root
# cause Service shop/inventory (deleted); symptom: a storefront pod that is no longer ready.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-shop}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" inventory 2 "$SERVE"
  rolled_out "$ns" inventory
  app "$ns" storefront 2 "$SERVE"
  probe_calls "$ns" storefront "http://inventory.$ns.svc.cluster.local/"
  rolled_out "$ns" storefront
}

provoke() {
  kubectl -n "$ns" delete service inventory --wait=false >/dev/null
  log "deleted Service $ns/inventory"
}

storefront_unready() { [ -z "$(kubectl -n "$ns" get deployment storefront -o jsonpath='{.status.readyReplicas}')" ]; }

settle() { wait_until 120 "storefront unready" storefront_unready; sleep 150; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
