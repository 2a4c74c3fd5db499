#!/usr/bin/env bash
# The Service of the inventory app targets its pods' port by name (targetPort: http). A release
# renames the container port to "web" (a tidy-up): the new pods are ready, but the Service's
# endpoints for them carry no port, so it has no usable endpoint once the old pods are gone, and
# the shop front end, whose readiness fetches inventory through the Service, goes unready.
# Truth: root cause Deployment warehouse/inventory (its port renamed); symptom: Service
# warehouse/inventory without endpoints.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-warehouse}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" inventory 2 "$SERVE"
  kubectl -n "$ns" patch deployment inventory --type json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/ports","value":[{"name":"http","containerPort":8080}]}]' >/dev/null
  kubectl -n "$ns" patch service inventory --type json -p '[{"op":"replace","path":"/spec/ports","value":[{"port":80,"targetPort":"http"}]}]' >/dev/null
  app "$ns" front 1 "$SERVE"
  probe_calls "$ns" front "http://inventory.$ns.svc.cluster.local/"
  rolled_out "$ns" inventory
  rolled_out "$ns" front
}

provoke() {
  kubectl -n "$ns" patch deployment inventory --type json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/ports","value":[{"name":"web","containerPort":8080}]}]' >/dev/null
  log "renamed $ns/inventory's container port http -> web; its Service targets port name http"
}

unready() { kubectl -n "$ns" get pods -l app=front -o jsonpath='{.items[*].status.containerStatuses[*].ready}' | grep -qw false; }

settle() {
  rolled_out "$ns" inventory
  wait_until 90 "front pods not ready" unready
  sleep 40
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
