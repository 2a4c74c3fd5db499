#!/usr/bin/env bash
# Routine: a ConfigMap value is changed to another valid one and the Deployment reading it
# is restarted to pick it up; every new pod starts and becomes ready. Truth: benign (a config
# change followed by a clean rollout is not an incident).
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-routine-config}"

# Serves while its setting is one of the known log levels.
READER='case "$LOG_LEVEL" in debug|info|warn) ;; *) echo "unknown LOG_LEVEL $LOG_LEVEL" >&2; exit 1;; esac; mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www'

prepare() {
  fresh_namespace "$ns"
  kubectl -n "$ns" create configmap profile-settings --from-literal=LOG_LEVEL=info >/dev/null
  app "$ns" profile 2 "$READER" '          envFrom: [{ configMapRef: { name: profile-settings } }]'
  rolled_out "$ns" profile
}

provoke() {
  kubectl -n "$ns" patch configmap profile-settings --type merge -p '{"data":{"LOG_LEVEL":"debug"}}' >/dev/null
  kubectl -n "$ns" rollout restart deployment/profile >/dev/null
  log "set LOG_LEVEL=debug in $ns/profile-settings and restarted $ns/profile"
}

settle() { rolled_out "$ns" profile; log "the profile rollout completed"; sleep 20; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
