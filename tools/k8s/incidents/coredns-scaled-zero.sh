#!/usr/bin/env bash
# CoreDNS is scaled to zero replicas (kubectl scale, a mistaken cost cut): every Service name
# lookup fails in every namespace; the apps whose readiness needs a lookup go unready in two
# namespaces. CoreDNS is scaled back at the end. Truth: root cause Deployment kube-system/coredns;
# symptom: frontdesk2/concierge pods not ready.
source "$(dirname "$0")/lib.sh"
ns1="${INCIDENT_NS:-frontdesk2}" ns2="${INCIDENT_NS2:-backoffice2}"

lookup_app() {
  app "$1" "$2" 2 "$SERVE"
  kubectl -n "$1" patch deployment "$2" --type json -p "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/readinessProbe\",\"value\":{\"exec\":{\"command\":[\"/bin/sh\",\"-c\",\"nslookup $3 >/dev/null\"]},\"periodSeconds\":3,\"failureThreshold\":2}}]" >/dev/null
}

prepare() {
  fresh_namespace "$ns1"
  fresh_namespace "$ns2"
  lookup_app "$ns2" ledger "kubernetes.default.svc.cluster.local"
  lookup_app "$ns1" concierge "ledger.$ns2.svc.cluster.local"
  rolled_out "$ns2" ledger
  rolled_out "$ns1" concierge
}

provoke() {
  kubectl -n kube-system scale deployment/coredns --replicas=0 >/dev/null
  log "scaled kube-system/coredns to 0"
}

unready() { kubectl -n "$1" get pods -l "app=$2" -o jsonpath='{.items[*].status.containerStatuses[*].ready}' | grep -qw false; }

settle() {
  wait_until 180 "concierge pods not ready" unready "$ns1" concierge
  wait_until 60 "ledger pods not ready" unready "$ns2" ledger
  sleep 15
}

cleanup() {
  kubectl -n kube-system scale deployment/coredns --replicas=1 >/dev/null
  kubectl -n kube-system rollout status deployment/coredns --timeout=120s >/dev/null || true
  kubectl delete namespace "$ns1" "$ns2" --ignore-not-found --wait=false >/dev/null
}

run_incident "$@"
