#!/usr/bin/env bash
# A Deployment's image is changed to one that does not exist. Nothing is ever pulled on the
# test machines (imagePullPolicy: Never), so the kubelet reports ErrImageNeverPull where a
# registry would give ErrImagePull / ImagePullBackOff. Truth: root cause Deployment
# catalog/search (image tapio.local/busybox:3 -> tapio.local/search:2.0.1); symptom: the new
# search pod that cannot start.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-catalog}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" search 2 "$SERVE"
  rolled_out "$ns" search
}

provoke() {
  kubectl -n "$ns" set image deployment/search search=tapio.local/search:2.0.1 >/dev/null
  log "changed the image of $ns/search to tapio.local/search:2.0.1 (not present)"
}

settle() { wait_until 120 "a search pod cannot get its image" pod_in_state "$ns" search ErrImageNeverPull; sleep 20; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
