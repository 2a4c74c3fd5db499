#!/usr/bin/env bash
# A release adds an init container that waits until Service migrations answers (a common
# "wait for the dependency" step); that Service was deleted the day before by a cleanup. The
# new pod waits in Init:0/1 for ever: nothing fails, nothing restarts, the rollout never goes on;
# the old pods keep serving, and the Deployment's progress deadline (90 s here, as a pipeline that
# wants fast feedback sets it) passes: ProgressDeadlineExceeded. Truth: root cause Deployment warehouse/stock (the init container it
# added waits for a Service that does not exist); symptom: the new stock pod stuck initialising.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-warehouse}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" stock 2 "$SERVE"
  kubectl -n "$ns" patch deployment stock --type merge -p '{"spec":{"progressDeadlineSeconds":90}}' >/dev/null
  rolled_out "$ns" stock
}

provoke() {
  kubectl -n "$ns" patch deployment stock --type json -p "[{\"op\":\"add\",\"path\":\"/spec/template/spec/initContainers\",\"value\":[{\"name\":\"wait-for-migrations\",\"image\":\"$IMAGE\",\"imagePullPolicy\":\"Never\",\"command\":[\"/bin/sh\",\"-c\",\"until timeout 2 wget -q -O - http://migrations.$ns.svc.cluster.local/ >/dev/null; do echo waiting for migrations; sleep 2; done\"]}]}]" >/dev/null
  log "added init container wait-for-migrations to $ns/stock (Service migrations does not exist)"
}

initialising() { kubectl -n "$ns" get pods -l app=stock -o jsonpath='{.items[*].status.initContainerStatuses[*].state.running}' | grep -q startedAt; }
stalled() { kubectl -n "$ns" get deployment stock -o jsonpath='{.status.conditions[?(@.type=="Progressing")].reason}' | grep -q ProgressDeadlineExceeded; }

settle() {
  wait_until 120 "a stock pod waits in its init container" initialising
  wait_until 240 "the rollout passed its progress deadline" stalled
  sleep 30
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
