#!/usr/bin/env bash
# A migration repoints an ExternalName Service: shop/payments, an alias the storefront's readiness
# calls by name, is changed from inventory.shop.svc.cluster.local to a name that does not exist
# yet (inventory-v2.shop.svc.cluster.local). Lookups of the alias fail, both storefront pods go
# unready and the storefront Service is left without endpoints; inventory itself runs on.
# Truth: root cause Service shop/payments (its externalName changed); symptom: the storefront.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-shop}"

alias_service() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: { name: payments, namespace: $ns }
spec: { type: ExternalName, externalName: $1, ports: [{ port: 80 }] }
YAML
}

prepare() {
  fresh_namespace "$ns"
  app "$ns" inventory 2 "$SERVE"
  rolled_out "$ns" inventory
  alias_service "inventory.$ns.svc.cluster.local"
  app "$ns" storefront 2 "$SERVE"
  probe_calls "$ns" storefront "http://payments.$ns.svc.cluster.local/"
  rolled_out "$ns" storefront
}

provoke() {
  alias_service "inventory-v2.$ns.svc.cluster.local"
  log "repointed Service $ns/payments (ExternalName) at inventory-v2.$ns.svc.cluster.local"
}

storefront_unready() { [ -z "$(kubectl -n "$ns" get deployment storefront -o jsonpath='{.status.readyReplicas}')" ]; }

settle() { wait_until 120 "storefront unready" storefront_unready; sleep 150; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
