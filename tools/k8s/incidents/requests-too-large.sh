#!/usr/bin/env bash
# A release raises the container's CPU request above what the node can ever offer: the new
# pod stays Pending (FailedScheduling: Insufficient cpu); the old pods keep serving.
# Truth: root cause Deployment media/transcode (resources.requests.cpu raised to 64);
# symptom: the new transcode pod that is never scheduled.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-media}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" transcode 2 "$SERVE" '          resources: { requests: { cpu: 10m, memory: 16Mi } }'
  rolled_out "$ns" transcode
}

provoke() {
  kubectl -n "$ns" patch deployment transcode --type json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/resources/requests/cpu","value":"64"}]' >/dev/null
  log "raised the CPU request of $ns/transcode to 64 cores"
}

unschedulable() { kubectl -n "$ns" get events --field-selector reason=FailedScheduling -o name | grep -q .; }

settle() { wait_until 120 "a transcode pod failed scheduling" unschedulable; sleep 25; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
