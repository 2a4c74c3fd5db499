#!/usr/bin/env bash
# A release gives the container a hostPort (19090) on a single-node cluster: the rolling update's
# first new pod takes the port on the only node, and the second
# cannot be placed (node(s) didn't have free ports for the requested pod
# ports); the rollout stops half way. Truth: root cause Deployment edge-b/gateway (its hostPort);
# symptom: the new gateway pod left Pending.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-edge-b}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" gateway 2 "$SERVE"
  rolled_out "$ns" gateway
}

provoke() {
  kubectl -n "$ns" patch deployment gateway --type json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/ports","value":[{"containerPort":8080,"hostPort":19090}]}]' >/dev/null
  log "gave $ns/gateway's container hostPort 19090 (two replicas, one node)"
}

unschedulable() { kubectl -n "$ns" get events --field-selector reason=FailedScheduling -o name | grep -q .; }

settle() { wait_until 120 "a gateway pod failed scheduling" unschedulable; sleep 150; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
