#!/usr/bin/env bash
# A release of one workload sets its own DNS (dnsPolicy: None, a nameserver that does not
# answer): its readiness, which looks up the orders Service by name, fails, while every other
# workload resolves names through CoreDNS as before. Truth: root cause Deployment shop/checkout
# (its DNS settings), not CoreDNS; symptom: checkout's pods not ready.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-shop}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" orders 1 "$SERVE"
  app "$ns" checkout 2 "$SERVE"
  probe_calls "$ns" checkout "http://orders.$ns.svc.cluster.local/"
  app "$ns" storefront 1 "$SERVE"
  probe_calls "$ns" storefront "http://orders.$ns.svc.cluster.local/"
  rolled_out "$ns" orders
  rolled_out "$ns" checkout
  rolled_out "$ns" storefront
}

provoke() {
  kubectl -n "$ns" patch deployment checkout --type merge -p '{"spec":{"template":{"spec":{"dnsPolicy":"None","dnsConfig":{"nameservers":["192.0.2.53"],"searches":["'"$ns"'.svc.cluster.local"]}}}}}' >/dev/null
  log "released $ns/checkout with its own DNS: nameserver 192.0.2.53, which does not answer"
}

unready() { kubectl -n "$ns" get pods -l app=checkout -o jsonpath='{.items[*].status.containerStatuses[*].ready}' | grep -qw false; }

settle() {
  wait_until 120 "checkout pods not ready" unready
  sleep 45
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
