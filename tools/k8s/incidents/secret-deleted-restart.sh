#!/usr/bin/env bash
# A Secret the pods mount as a volume is deleted (the running pods keep their copy), then the
# Deployment is restarted (kubectl rollout restart, as a routine deploy would): the new pod
# cannot mount the Secret (FailedMount: secret "api-tls" not found) and waits in
# ContainerCreating; the old pods keep serving. The restart is routine, the deletion is the
# cause. Truth: root cause Secret gateway/api-tls (deleted); symptom: the new edge pod stuck.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-gateway}"

prepare() {
  fresh_namespace "$ns"
  kubectl -n "$ns" create secret generic api-tls --from-literal=tls.key=not-a-real-key --from-literal=tls.crt=not-a-real-cert >/dev/null
  app "$ns" edge 2 "$SERVE" '          volumeMounts: [{ name: tls, mountPath: /etc/tls, readOnly: true }]' '      volumes: [{ name: tls, secret: { secretName: api-tls } }]'
  rolled_out "$ns" edge
}

provoke() {
  kubectl -n "$ns" delete secret api-tls >/dev/null
  log "deleted Secret $ns/api-tls (mounted by $ns/edge)"
  sleep 20
  kubectl -n "$ns" rollout restart deployment/edge >/dev/null
  log "restarted $ns/edge (kubectl rollout restart)"
}

mount_failed() { kubectl -n "$ns" get events --field-selector reason=FailedMount -o name | grep -q .; }

settle() { wait_until 120 "an edge pod cannot mount its Secret" mount_failed; sleep 150; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
