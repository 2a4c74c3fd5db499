#!/usr/bin/env bash
# CoreDNS's Corefile is edited with a typo in its cluster zone (cluster.local -> cluster.locl)
# and CoreDNS restarted: every Service name lookup fails, in every namespace; the apps whose
# readiness needs a lookup go unready in two namespaces. The Corefile is restored at the end.
# Truth: root cause ConfigMap kube-system/coredns; symptom: frontdesk/reception pods not ready.
source "$(dirname "$0")/lib.sh"
ns1="${INCIDENT_NS:-frontdesk}" ns2="${INCIDENT_NS2:-backoffice}"

lookup_app() {
  app "$1" "$2" 2 "$SERVE"
  kubectl -n "$1" patch deployment "$2" --type json -p "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/readinessProbe\",\"value\":{\"exec\":{\"command\":[\"/bin/sh\",\"-c\",\"nslookup $3 >/dev/null\"]},\"periodSeconds\":3,\"failureThreshold\":2}}]" >/dev/null
}

corefile() { kubectl -n kube-system get configmap coredns -o jsonpath='{.data.Corefile}'; }
set_corefile() {
  kubectl -n kube-system create configmap coredns --from-literal=Corefile="$1" --dry-run=client -o yaml \
    | kubectl -n kube-system patch configmap coredns --type merge --patch-file /dev/stdin >/dev/null
}

prepare() {
  fresh_namespace "$ns1"
  fresh_namespace "$ns2"
  lookup_app "$ns2" records "kubernetes.default.svc.cluster.local"
  lookup_app "$ns1" reception "records.$ns2.svc.cluster.local"
  rolled_out "$ns2" records
  rolled_out "$ns1" reception
}

provoke() {
  set_corefile "$(corefile | sed 's/kubernetes cluster.local /kubernetes cluster.locl /')"
  log "edited the Corefile of kube-system/coredns (cluster.local -> cluster.locl)"
  sleep 5
  kubectl -n kube-system rollout restart deployment/coredns >/dev/null
  log "CoreDNS restarted"
}

unready() { kubectl -n "$1" get pods -l "app=$2" -o jsonpath='{.items[*].status.containerStatuses[*].ready}' | grep -qw false; }

settle() {
  wait_until 180 "reception pods not ready" unready "$ns1" reception
  wait_until 60 "records pods not ready" unready "$ns2" records
  sleep 15
}

cleanup() {
  if corefile | grep -q 'cluster.locl'; then
    set_corefile "$(corefile | sed 's/kubernetes cluster.locl /kubernetes cluster.local /')"
    kubectl -n kube-system rollout restart deployment/coredns >/dev/null
    kubectl -n kube-system rollout status deployment/coredns --timeout=120s >/dev/null
    log "Corefile restored"
  fi
  kubectl delete namespace "$ns1" "$ns2" --ignore-not-found --wait=false >/dev/null
}

run_incident "$@"
