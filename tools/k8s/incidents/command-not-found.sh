#!/usr/bin/env bash
# A release changes the container's command to a binary the image does not have: the runtime
# cannot start it (StartError / RunContainerError, exit 128), the new pod backs off; the old pods
# keep serving. Truth: root cause Deployment parcels/tracker (its new command); symptom: the new
# tracker pod.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-parcels}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" tracker 2 "$SERVE"
  rolled_out "$ns" tracker
}

provoke() {
  kubectl -n "$ns" patch deployment tracker --type json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/command","value":["/app/tracker","--port=8080"]}]' >/dev/null
  log "changed $ns/tracker's command to /app/tracker (not in the image)"
}

cannot_start() { kubectl -n "$ns" get pods -l app=tracker -o jsonpath='{.items[*].status.containerStatuses[*].lastState.terminated.reason} {.items[*].status.containerStatuses[*].state.waiting.reason}' | grep -Eqw 'StartError|RunContainerError|CrashLoopBackOff|ContainerCannotRun'; }

settle() { wait_until 120 "the new tracker pod cannot start" cannot_start; sleep 60; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
