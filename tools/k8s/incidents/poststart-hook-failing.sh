#!/usr/bin/env bash
# A release adds a postStart hook that registers the pod with a service that does not exist
# (wget of http://registry.invalid). The hook fails, the kubelet kills each new container
# (FailedPostStartHook) and restarts it: the new pods never get ready and back off; the old
# pods keep serving and the rollout waits. Truth: root cause Deployment catalog/indexer (its
# template's lifecycle hook); symptom: the new pods that keep being killed.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-catalog}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" indexer 2 "$SERVE"
  rolled_out "$ns" indexer
}

provoke() {
  kubectl -n "$ns" patch deployment indexer --type json -p '[{"op":"add","path":"/spec/template/spec/containers/0/lifecycle","value":{"postStart":{"exec":{"command":["/bin/sh","-c","wget -q -T 2 -O - http://registry.invalid/register"]}}}}]' >/dev/null
  log "gave $ns/indexer a postStart hook that calls a registry that does not exist"
}

settle() {
  wait_until 120 "the kubelet reports the failed postStart hook" event_seen "$ns" FailedPostStartHook "registry.invalid"
  sleep 60
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
