#!/usr/bin/env bash
# A hardening release sets runAsNonRoot on the pods of an image that runs as root (busybox,
# uid 0, no runAsUser). The kubelet refuses to start each new container (CreateContainerConfigError:
# container has runAsNonRoot and image will run as root); the old pods keep serving and the
# rollout waits. Truth: root cause Deployment billing/invoicer (its template's securityContext);
# symptom: the new pod whose container is never created.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-billing}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" invoicer 2 "$SERVE"
  rolled_out "$ns" invoicer
}

provoke() {
  kubectl -n "$ns" patch deployment invoicer --type merge -p '{"spec":{"template":{"spec":{"securityContext":{"runAsNonRoot":true}}}}}' >/dev/null
  log "set runAsNonRoot on $ns/invoicer's pods (the image runs as root)"
}

settle() {
  wait_until 90 "the kubelet refuses the container" event_seen "$ns" Failed "runAsNonRoot"
  sleep 60
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
