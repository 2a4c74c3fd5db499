#!/usr/bin/env bash
# A credential rotation goes wrong: the password in the Secret the pods mount is replaced by one
# the database does not accept, and the Deployment restarted to pick it up (kubectl rollout
# restart); the new pods fail to authenticate at start and exit 1, again and again, while the
# old pods (holding the old password) keep serving. Truth: root cause Secret
# accounts/db-credentials; symptom: the new api pods crash-looping.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-accounts}"

prepare() {
  fresh_namespace "$ns"
  kubectl -n "$ns" create secret generic db-credentials --from-literal=username=app --from-literal=password=correct-horse >/dev/null
  # The app checks its password against what the database accepts (here: a fixed value) before serving.
  app "$ns" api 2 "[ \"\$(cat /etc/creds/password)\" = correct-horse ] || { echo 'FATAL: password authentication failed for user app' >&2; exit 1; }; $SERVE" \
    '          volumeMounts: [{ name: creds, mountPath: /etc/creds, readOnly: true }]' '      volumes: [{ name: creds, secret: { secretName: db-credentials } }]'
  rolled_out "$ns" api
}

provoke() {
  kubectl -n "$ns" create secret generic db-credentials --from-literal=username=app --from-literal=password=battery-staple --dry-run=client -o yaml | kubectl apply -f - >/dev/null 2>&1
  log "rotated the password in Secret $ns/db-credentials to one the database does not accept"
  sleep 15
  kubectl -n "$ns" rollout restart deployment/api >/dev/null
  log "restarted $ns/api (kubectl rollout restart)"
}

settle() { wait_until 180 "an api pod crash-loops" pod_in_state "$ns" api CrashLoopBackOff; sleep 45; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
