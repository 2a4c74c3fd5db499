#!/usr/bin/env bash
# A typo in a Service's selector (app: inventory -> app: inventroy) leaves it without
# endpoints; the storefront, whose readiness depends on reaching it, goes unready.
# Truth: root cause Service warehouse/inventory; symptom: the storefront pods not ready.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-warehouse}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" inventory 2 "$SERVE"
  app "$ns" storefront 2 "$SERVE" \
"          livenessProbe: { httpGet: { path: /, port: 8080 }, periodSeconds: 10 }"
  # The storefront is ready only while the inventory Service answers.
  kubectl -n "$ns" patch deployment storefront --type json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/readinessProbe","value":{"exec":{"command":["/bin/sh","-c","timeout 2 wget -qO- http://inventory/ >/dev/null"]},"periodSeconds":3,"failureThreshold":2}}]' >/dev/null
  rolled_out "$ns" inventory
  rolled_out "$ns" storefront
}

provoke() {
  kubectl -n "$ns" patch service inventory --type merge -p '{"spec":{"selector":{"app":"inventroy"}}}' >/dev/null
  log "changed the selector of Service $ns/inventory to app=inventroy"
}

unready() { kubectl -n "$ns" get pods -l app=storefront -o jsonpath='{.items[*].status.containerStatuses[*].ready}' | grep -qw false; }

settle() { wait_until 120 "storefront pods are not ready" unready; sleep 20; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
