#!/usr/bin/env bash
# A namespace's LimitRange is tightened below what a Deployment's containers ask for (max
# memory per container 256Mi -> 32Mi; the pods limit 64Mi); the next routine restart's pods are
# refused at admission (FailedCreate on the new ReplicaSet: maximum memory usage per Container
# is 32Mi); the old pods keep serving. Truth: root cause LimitRange ledger/container-limits;
# symptom: the new ReplicaSet of ledger/posting that cannot create pods.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-ledger}"

prepare() {
  fresh_namespace "$ns"
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: LimitRange
metadata: { name: container-limits, namespace: $ns }
spec:
  limits:
    - type: Container
      max: { memory: 256Mi }
      default: { memory: 32Mi }
      defaultRequest: { memory: 16Mi }
YAML
  app "$ns" posting 2 "$SERVE" '          resources: { requests: { memory: 32Mi }, limits: { memory: 64Mi } }'
  rolled_out "$ns" posting
}

provoke() {
  kubectl -n "$ns" patch limitrange container-limits --type json -p '[{"op":"replace","path":"/spec/limits/0/max/memory","value":"32Mi"}]' >/dev/null
  log "lowered LimitRange $ns/container-limits max memory to 32Mi"
  sleep 15
  kubectl -n "$ns" rollout restart deployment/posting >/dev/null
  log "restarted $ns/posting (kubectl rollout restart)"
}

refused() { kubectl -n "$ns" get events --field-selector reason=FailedCreate -o name | grep -q .; }

settle() { wait_until 120 "the new ReplicaSet was refused pods (FailedCreate)" refused; sleep 30; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
