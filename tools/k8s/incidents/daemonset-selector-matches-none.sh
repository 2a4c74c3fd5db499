#!/usr/bin/env bash
# A release of the node-local metrics agent (a DaemonSet behind a Service) adds a nodeSelector
# for a label no node carries (role=monitoring). No pod is refused: the DaemonSet controller
# simply wants none any more, deletes the one it had, and the Service has no endpoint left.
# Nothing fails, nothing is Pending. Truth: root cause DaemonSet telemetry/node-metrics (its
# template's nodeSelector); symptom: Service telemetry/node-metrics without endpoints.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-telemetry}"

prepare() {
  fresh_namespace "$ns"
  daemonset "$ns" node-metrics "$SERVE"
  kubectl -n "$ns" create service clusterip node-metrics --tcp=80:8080 >/dev/null
  kubectl -n "$ns" patch service node-metrics --type merge -p '{"spec":{"selector":{"app":"node-metrics"}}}' >/dev/null
}

provoke() {
  kubectl -n "$ns" patch daemonset node-metrics --type merge -p '{"spec":{"template":{"spec":{"nodeSelector":{"role":"monitoring"}}}}}' >/dev/null
  log "pinned $ns/node-metrics to nodes labelled role=monitoring (none is)"
}

no_pods() { [ -z "$(kubectl -n "$ns" get pods -l app=node-metrics -o name)" ]; }

settle() { wait_until 90 "the DaemonSet has no pod left" no_pods; sleep 40; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
