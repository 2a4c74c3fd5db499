#!/usr/bin/env bash
# The Deployment behind a Service other apps call is deleted (a cleanup that took it for an old
# release); the Service stays, without endpoints, and checkout, whose readiness calls payments,
# goes unready. Truth: root cause Deployment orders/payments (deleted); symptom: checkout pods
# not ready.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-orders}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" payments 2 "$SERVE"
  app "$ns" checkout 2 "$SERVE"
  kubectl -n "$ns" patch deployment checkout --type json -p "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/readinessProbe\",\"value\":{\"exec\":{\"command\":[\"/bin/sh\",\"-c\",\"timeout 2 wget -q -O - http://payments.$ns.svc.cluster.local/ >/dev/null\"]},\"periodSeconds\":3,\"failureThreshold\":2}}]" >/dev/null
  rolled_out "$ns" payments
  rolled_out "$ns" checkout
}

provoke() {
  kubectl -n "$ns" delete deployment payments >/dev/null
  log "deleted Deployment $ns/payments (its Service stays)"
}

unready() { kubectl -n "$ns" get pods -l app=checkout -o jsonpath='{.items[*].status.containerStatuses[*].ready}' | grep -qw false; }

settle() { wait_until 120 "checkout pods not ready" unready; sleep 40; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
