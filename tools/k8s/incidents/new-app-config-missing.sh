#!/usr/bin/env bash
# A new application is deployed for the first time reading its settings from a ConfigMap
# nobody created (envFrom configMapRef): its pods wait in CreateContainerConfigError, nothing
# ever ran. Truth: root cause Deployment labs-b/mailer (created reading ConfigMap
# mailer-settings, which does not exist); symptom: its pods that never start.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-labs-b}"

prepare() { fresh_namespace "$ns"; }

provoke() {
  app "$ns" mailer 2 "$SERVE" '          envFrom: [{ configMapRef: { name: mailer-settings } }]'
  log "deployed $ns/mailer reading ConfigMap mailer-settings (never created)"
}

settle() { wait_until 120 "a mailer pod cannot get its configuration" pod_in_state "$ns" mailer CreateContainerConfigError; sleep 150; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
