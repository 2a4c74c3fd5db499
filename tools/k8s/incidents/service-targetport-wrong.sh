#!/usr/bin/env bash
# A Service's targetPort is edited to a port nothing listens on (8080 -> 9090): its pods stay
# ready and its endpoints stay listed, but every connection through it is refused; the
# client whose readiness calls it goes unready. Truth: root cause Service warehouse/stock
# (targetPort 8080 -> 9090); symptom: the caller's pods that turn not ready.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-warehouse}"

# The caller: ready only while `wget http://stock/` answers.
CALLER='mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www'

prepare() {
  fresh_namespace "$ns"
  app "$ns" stock 2 "$SERVE"
  rolled_out "$ns" stock
  app "$ns" picker 2 "$CALLER"
  kubectl -n "$ns" patch deployment picker --type json -p "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/readinessProbe\",\"value\":{\"exec\":{\"command\":[\"/bin/sh\",\"-c\",\"timeout 2 wget -qO- http://stock/ >/dev/null\"]},\"periodSeconds\":3,\"failureThreshold\":2}}]" >/dev/null
  rolled_out "$ns" picker
}

provoke() {
  kubectl -n "$ns" patch service stock --type json -p '[{"op":"replace","path":"/spec/ports/0/targetPort","value":9090}]' >/dev/null
  log "changed the targetPort of Service $ns/stock to 9090 (nothing listens there)"
}

picker_unready() { kubectl -n "$ns" get pods -l app=picker -o jsonpath='{.items[*].status.containerStatuses[*].ready}' | grep -qw false; }

settle() { wait_until 120 "a picker pod went not ready" picker_unready; sleep 25; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
