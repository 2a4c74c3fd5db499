#!/usr/bin/env bash
# The shipping pods read LOG_LEVEL from ConfigMap shipping-settings (env valueFrom
# configMapKeyRef). Someone tidies the ConfigMap and renames the key to log-level; the running
# pods keep the environment they started with. Twenty seconds later a routine restart creates
# pods the kubelet cannot build an environment for (CreateContainerConfigError: couldn't find
# key LOG_LEVEL in ConfigMap); they never start, the old pods keep serving, the rollout waits.
# Truth: root cause ConfigMap logistics/shipping-settings (key LOG_LEVEL removed); symptom: the
# new shipping pods. The restart is not the cause.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-logistics}"

prepare() {
  fresh_namespace "$ns"
  kubectl -n "$ns" create configmap shipping-settings --from-literal=LOG_LEVEL=info --from-literal=REGION=eu-west >/dev/null
  app "$ns" shipping 2 "$SERVE" "          env: [{ name: LOG_LEVEL, valueFrom: { configMapKeyRef: { name: shipping-settings, key: LOG_LEVEL } } }]"
  rolled_out "$ns" shipping
}

provoke() {
  kubectl -n "$ns" create configmap shipping-settings --from-literal=log-level=info --from-literal=REGION=eu-west --dry-run=client -o yaml | kubectl replace -f - >/dev/null
  log "renamed key LOG_LEVEL to log-level in ConfigMap $ns/shipping-settings"
  sleep 20
  kubectl -n "$ns" rollout restart deployment/shipping >/dev/null
  log "restarted $ns/shipping (kubectl rollout restart)"
}

config_error() { kubectl -n "$ns" get pods -l app=shipping -o jsonpath='{.items[*].status.containerStatuses[*].state.waiting.reason}' | grep -qw CreateContainerConfigError; }

settle() { wait_until 90 "a new shipping pod cannot build its environment" config_error; sleep 40; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
