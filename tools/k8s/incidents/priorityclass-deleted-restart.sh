#!/usr/bin/env bash
# A Deployment's pods run with PriorityClass reports-high; someone deletes the class (a clean-up
# of "unused" cluster objects: running pods keep their priority), then a routine restart creates
# pods the priority admission plugin refuses (FailedCreate: no PriorityClass with name
# reports-high was found). Truth: root cause PriorityClass reports-high (its deletion); the
# restart changed nothing that matters.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-reports}"
class=reports-high

prepare() {
  fresh_namespace "$ns"
  kubectl delete priorityclass "$class" --ignore-not-found >/dev/null
  kubectl apply -f - >/dev/null <<YAML
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: { name: $class }
value: 100000
description: reports that must not be preempted by batch work
YAML
  app "$ns" renderer 2 "$SERVE" "" "      priorityClassName: $class"
  rolled_out "$ns" renderer
}

provoke() {
  kubectl delete priorityclass "$class" >/dev/null
  log "deleted PriorityClass $class, which $ns/renderer's pods use"
  sleep 20
  kubectl -n "$ns" rollout restart deployment renderer >/dev/null
  log "routine restart of $ns/renderer"
}

settle() {
  wait_until 90 "ReplicaSet reports FailedCreate for the deleted PriorityClass" event_seen "$ns" FailedCreate "$class"
  sleep 60
}

cleanup() {
  kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null
  kubectl delete priorityclass "$class" --ignore-not-found >/dev/null
}

run_incident "$@"
