#!/usr/bin/env bash
# A Deployment of 3 pods under a PodDisruptionBudget minAvailable 2 is scaled to 1 with
# `kubectl scale`: the disruption controller reports fewer healthy pods than required
# (currentHealthy 1 < desiredHealthy 2) and the budget blocks every voluntary eviction. After
# VIOLATED_FOR seconds (150, longer than the pattern's 2-minute hold) it is scaled back to 3
# (RESTORE=0 leaves it). Truth: root cause Deployment <ns>/checkout (spec.replicas 3 -> 1);
# symptom: PodDisruptionBudget <ns>/checkout-pdb.
# SCALE_FROM / SCALE_TO / MIN_AVAILABLE make the benign look-alike (pdb-scale-within-budget.sh).
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-payments}"
from="${SCALE_FROM:-3}" to="${SCALE_TO:-1}" min="${MIN_AVAILABLE:-2}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" checkout "$from" "$SERVE"
  kubectl apply -f - >/dev/null <<YAML
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: checkout-pdb, namespace: $ns }
spec:
  minAvailable: $min
  selector: { matchLabels: { app: checkout } }
YAML
  rolled_out "$ns" checkout
  wait_until 90 "PodDisruptionBudget $ns/checkout-pdb counts $from healthy pods" healthy "$from"
}

# The budget's status says COUNT healthy pods (its controller writes it after the pods are ready).
healthy() { [ "$(kubectl -n "$ns" get pdb checkout-pdb -o jsonpath='{.status.currentHealthy}')" = "$1" ]; }
expects() { [ "$(kubectl -n "$ns" get pdb checkout-pdb -o jsonpath='{.status.expectedPods}')" = "$1" ]; }

provoke() {
  kubectl -n "$ns" scale deployment/checkout --replicas="$to" >/dev/null
  log "scaled $ns/checkout $from -> $to (PodDisruptionBudget minAvailable $min)"
}

settle() {
  wait_until 120 "PodDisruptionBudget $ns/checkout-pdb counts $to pods" expects "$to"
  sleep "${VIOLATED_FOR:-150}"
  [ "${RESTORE:-1}" = 0 ] || restore
}

restore() {
  kubectl -n "$ns" scale deployment/checkout --replicas="$from" >/dev/null
  log "scaled $ns/checkout back to $from"
  rolled_out "$ns" checkout
  wait_until 90 "PodDisruptionBudget $ns/checkout-pdb counts $from healthy pods again" healthy "$from"
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

case "${1:-all}" in
  restore) restore;;
  *) run_incident "$@";;
esac
