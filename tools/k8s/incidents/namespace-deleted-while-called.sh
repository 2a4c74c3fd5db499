#!/usr/bin/env bash
# Someone deletes a namespace another team's app still calls (kubectl delete namespace, taken
# for a leftover): everything in it goes on purpose, but the frontend in another namespace,
# whose readiness calls its Service, goes unready. Truth: root cause Namespace pricing-svc
# (deleted); the Service in it is an acceptable answer; symptom: the shopfront pods not ready.
source "$(dirname "$0")/lib.sh"
ns1="${INCIDENT_NS:-shopfront}" ns2="${INCIDENT_NS2:-pricing-svc}"

prepare() {
  fresh_namespace "$ns1"
  fresh_namespace "$ns2"
  app "$ns2" pricing 2 "$SERVE"
  app "$ns1" web 2 "$SERVE"
  kubectl -n "$ns1" patch deployment web --type json -p "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/readinessProbe\",\"value\":{\"exec\":{\"command\":[\"/bin/sh\",\"-c\",\"timeout 2 wget -q -O - http://pricing.$ns2.svc.cluster.local/ >/dev/null\"]},\"periodSeconds\":3,\"failureThreshold\":2}}]" >/dev/null
  rolled_out "$ns2" pricing
  rolled_out "$ns1" web
}

provoke() {
  kubectl delete namespace "$ns2" --wait=false >/dev/null
  log "deleted namespace $ns2 (Service pricing is called by $ns1/web)"
}

unready() { kubectl -n "$ns1" get pods -l app=web -o jsonpath='{.items[*].status.containerStatuses[*].ready}' | grep -qw false; }

settle() { wait_until 120 "web pods not ready" unready; sleep 60; }

cleanup() { kubectl delete namespace "$ns1" "$ns2" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
