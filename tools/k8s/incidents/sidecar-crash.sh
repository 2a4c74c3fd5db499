#!/usr/bin/env bash
# A release adds a log-shipper sidecar whose program exits at once (it needs a SHIP_TO it was
# not given). The main container of each new pod serves, but the sidecar crash-loops, so the pod
# is never ready; the old pods keep serving and the rollout waits. Truth: root cause Deployment
# orders/api (its template's new container); symptom: the new pod whose sidecar crash-loops.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-orders}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" api 2 "$SERVE"
  rolled_out "$ns" api
}

provoke() {
  kubectl -n "$ns" patch deployment api --type json -p "[{\"op\":\"add\",\"path\":\"/spec/template/spec/containers/-\",\"value\":{\"name\":\"log-shipper\",\"image\":\"$IMAGE\",\"imagePullPolicy\":\"Never\",\"command\":[\"/bin/sh\",\"-c\",\"[ -n \\\"\$SHIP_TO\\\" ] || { echo 'SHIP_TO is not set' >&2; exit 1; }; exec sleep 3600\"]}}]" >/dev/null
  log "added a log-shipper sidecar to $ns/api that exits without SHIP_TO"
}

settle() { wait_until 120 "the sidecar is crash-looping" pod_in_state "$ns" api CrashLoopBackOff; sleep 45; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
