#!/usr/bin/env bash
# Routine: the Service a frontend calls in its readiness probe is restarted (kubectl rollout
# restart, a rolling update of two replicas): it always has a ready endpoint, the frontend stays
# ready. Nothing should be reported.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-bookshop}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" catalog 2 "$SERVE"
  app "$ns" web 2 "$SERVE"
  kubectl -n "$ns" patch deployment web --type json -p "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/readinessProbe\",\"value\":{\"exec\":{\"command\":[\"/bin/sh\",\"-c\",\"timeout 2 wget -q -O - http://catalog.$ns.svc.cluster.local/ >/dev/null\"]},\"periodSeconds\":3,\"failureThreshold\":2}}]" >/dev/null
  rolled_out "$ns" catalog
  rolled_out "$ns" web
}

provoke() {
  kubectl -n "$ns" rollout restart deployment/catalog >/dev/null
  log "restarted $ns/catalog (kubectl rollout restart)"
}

settle() { rolled_out "$ns" catalog; log "rollout done"; sleep 45; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
