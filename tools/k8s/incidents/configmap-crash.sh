#!/usr/bin/env bash
# A ConfigMap edit, then a rollout whose new pods crash on the bad value.
# Truth: root cause ConfigMap shop/checkout-config (app.conf timeout=5s -> timeout=five);
# symptom: the new checkout pods in CrashLoopBackOff.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-shop}"

prepare() {
  fresh_namespace "$ns"
  kubectl -n "$ns" create configmap checkout-config --from-literal=app.conf='timeout=5s' >/dev/null
  app "$ns" checkout 2 "grep -Eq '^timeout=[0-9]+s\$' /config/app.conf || { echo \"checkout: invalid timeout in /config/app.conf: \$(cat /config/app.conf)\"; exit 1; }; $SERVE" \
"          volumeMounts: [{ name: config, mountPath: /config }]" \
"      volumes: [{ name: config, configMap: { name: checkout-config } }]"
  rolled_out "$ns" checkout
}

provoke() {
  kubectl -n "$ns" patch configmap checkout-config --type merge -p '{"data":{"app.conf":"timeout=five"}}' >/dev/null
  log "edited ConfigMap $ns/checkout-config"
  sleep 5
  kubectl -n "$ns" rollout restart deployment/checkout >/dev/null
  log "rollout of $ns/checkout started"
}

settle() { wait_until 180 "a new checkout pod crash-loops" pod_in_state "$ns" checkout CrashLoopBackOff; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
