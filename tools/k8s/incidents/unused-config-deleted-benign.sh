#!/usr/bin/env bash
# Routine cleanup: a ConfigMap and a Secret no pod uses any more are deleted, then the app that
# used to read the ConfigMap (its template no longer does) is restarted. Nothing should be
# reported.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-tidy}"

prepare() {
  fresh_namespace "$ns"
  kubectl -n "$ns" create configmap legacy-flags --from-literal=OLD_UI=true >/dev/null
  kubectl -n "$ns" create secret generic legacy-token --from-literal=token=not-a-real-token >/dev/null
  app "$ns" portal 2 "$SERVE"
  rolled_out "$ns" portal
}

provoke() {
  kubectl -n "$ns" delete configmap legacy-flags >/dev/null
  kubectl -n "$ns" delete secret legacy-token >/dev/null
  log "deleted ConfigMap $ns/legacy-flags and Secret $ns/legacy-token (used by nothing)"
  sleep 10
  kubectl -n "$ns" rollout restart deployment/portal >/dev/null
  log "restarted $ns/portal (kubectl rollout restart)"
}

settle() { rolled_out "$ns" portal; log "rollout done"; sleep 40; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
