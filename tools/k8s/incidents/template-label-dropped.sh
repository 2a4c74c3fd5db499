#!/usr/bin/env bash
# A release drops the label tier=web from a Deployment's pod template (its selector only needs
# app=catalog, so the rollout goes through); the Service selects app=catalog,tier=web and loses
# every endpoint as the old pods go; the web front end, whose readiness fetches the catalog, goes
# unready. The Service did not change. Truth: root cause Deployment storefront/catalog (its
# template's labels); symptom: Service storefront/catalog without endpoints.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-storefront}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" catalog 2 "$SERVE"
  kubectl -n "$ns" patch deployment catalog --type json -p '[{"op":"add","path":"/spec/template/metadata/labels/tier","value":"web"}]' >/dev/null
  kubectl -n "$ns" patch service catalog --type merge -p '{"spec":{"selector":{"app":"catalog","tier":"web"}}}' >/dev/null
  app "$ns" web 2 "$SERVE"
  kubectl -n "$ns" patch deployment web --type json -p "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/readinessProbe\",\"value\":{\"exec\":{\"command\":[\"/bin/sh\",\"-c\",\"timeout 2 wget -q -O - http://catalog.$ns.svc.cluster.local/ >/dev/null\"]},\"periodSeconds\":3,\"failureThreshold\":2}}]" >/dev/null
  rolled_out "$ns" catalog
  rolled_out "$ns" web
}

provoke() {
  kubectl -n "$ns" patch deployment catalog --type json -p '[{"op":"remove","path":"/spec/template/metadata/labels/tier"}]' >/dev/null
  log "dropped label tier=web from $ns/catalog's pod template"
}

no_endpoints() { [ -z "$(kubectl -n "$ns" get endpoints catalog -o jsonpath='{.subsets[*].addresses[*].ip}')" ]; }
unready() { kubectl -n "$ns" get pods -l app=web -o jsonpath='{.items[*].status.containerStatuses[*].ready}' | grep -qw false; }

settle() {
  wait_until 120 "Service catalog has no endpoints" no_endpoints
  wait_until 60 "web pods not ready" unready
  sleep 30
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
