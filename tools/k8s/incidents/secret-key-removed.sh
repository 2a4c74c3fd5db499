#!/usr/bin/env bash
# A Secret's key is renamed (password -> passwd), then a rollout: the new pods cannot find
# their credential and crash. Truth: root cause Secret payments/db-credentials (key password
# removed); symptom: the new gateway pods in CrashLoopBackOff.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-payments}"

prepare() {
  fresh_namespace "$ns"
  kubectl -n "$ns" create secret generic db-credentials --from-literal=username=gateway --from-literal=password=s3cr3t-value >/dev/null
  app "$ns" gateway 2 "test -s /secrets/password || { echo 'gateway: no database password in /secrets/password'; exit 1; }; $SERVE" \
"          volumeMounts: [{ name: credentials, mountPath: /secrets, readOnly: true }]" \
"      volumes: [{ name: credentials, secret: { secretName: db-credentials } }]"
  rolled_out "$ns" gateway
}

provoke() {
  kubectl -n "$ns" create secret generic db-credentials --from-literal=username=gateway --from-literal=passwd=s3cr3t-value \
    --dry-run=client -o yaml | kubectl replace -f - >/dev/null
  log "renamed key password to passwd in Secret $ns/db-credentials"
  sleep 5
  kubectl -n "$ns" rollout restart deployment/gateway >/dev/null
  log "rollout of $ns/gateway started"
}

settle() { wait_until 180 "a new gateway pod crash-loops" pod_in_state "$ns" gateway CrashLoopBackOff; sleep 10; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
