#!/usr/bin/env bash
# Routine credential rotation: the Secret the pods mount gets a new password and the Deployment
# is restarted (kubectl rollout restart); both new pods start and become ready, the old ones
# stop. Nothing should be reported.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-vault-sync}"

prepare() {
  fresh_namespace "$ns"
  kubectl -n "$ns" create secret generic db-credentials --from-literal=username=app --from-literal=password=first-password >/dev/null
  app "$ns" reporter 2 "$SERVE" '          volumeMounts: [{ name: creds, mountPath: /etc/creds, readOnly: true }]' '      volumes: [{ name: creds, secret: { secretName: db-credentials } }]'
  rolled_out "$ns" reporter
}

provoke() {
  kubectl -n "$ns" create secret generic db-credentials --from-literal=username=app --from-literal=password=second-password --dry-run=client -o yaml | kubectl apply -f - >/dev/null 2>&1
  log "rotated the password in Secret $ns/db-credentials"
  sleep 10
  kubectl -n "$ns" rollout restart deployment/reporter >/dev/null
  log "restarted $ns/reporter (kubectl rollout restart)"
}

settle() { rolled_out "$ns" reporter; log "rollout done"; sleep 30; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
