#!/usr/bin/env bash
# A ConfigMap the pods read their environment from (envFrom) is deleted, by a cleanup that
# thought it unused; the running pods keep their environment, then a routine restart's new pod
# cannot be created (CreateContainerConfigError: configmap "pricing-env" not found); the old pods
# keep serving. Truth: root cause ConfigMap quotes/pricing-env (deleted); symptom: the new
# pricer pod.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-quotes}"

prepare() {
  fresh_namespace "$ns"
  kubectl -n "$ns" create configmap pricing-env --from-literal=CURRENCY=EUR --from-literal=ROUNDING=half-even >/dev/null
  app "$ns" pricer 2 "$SERVE" '          envFrom: [{ configMapRef: { name: pricing-env } }]'
  rolled_out "$ns" pricer
}

provoke() {
  kubectl -n "$ns" delete configmap pricing-env >/dev/null
  log "deleted ConfigMap $ns/pricing-env (read by $ns/pricer)"
  sleep 20
  kubectl -n "$ns" rollout restart deployment/pricer >/dev/null
  log "restarted $ns/pricer (kubectl rollout restart)"
}

config_error() { pod_in_state "$ns" pricer CreateContainerConfigError; }

settle() { wait_until 120 "a pricer pod cannot be configured" config_error; sleep 60; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
