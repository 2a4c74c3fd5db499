#!/usr/bin/env bash
# A release adds an init container that waits for a schema migration flag that never comes
# (it exits 1): the new pod stays in Init:CrashLoopBackOff, the app container never starts.
# Truth: root cause Deployment accounts/ledger-api (init container check-schema added);
# symptom: the new ledger-api pod whose init container keeps failing.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-accounts}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" ledger-api 2 "$SERVE"
  rolled_out "$ns" ledger-api
}

provoke() {
  kubectl -n "$ns" patch deployment ledger-api --type json -p "[{\"op\":\"add\",\"path\":\"/spec/template/spec/initContainers\",\"value\":[{\"name\":\"check-schema\",\"image\":\"$IMAGE\",\"imagePullPolicy\":\"Never\",\"command\":[\"/bin/sh\",\"-c\",\"echo schema version 41 is older than 42; exit 1\"]}]}]" >/dev/null
  log "added init container check-schema (exits 1) to $ns/ledger-api"
}

init_failing() {
  kubectl -n "$ns" get pods -l app=ledger-api -o jsonpath='{range .items[*]}{.status.initContainerStatuses[*].restartCount}{"\n"}{end}' | grep -q '[1-9]'
}

settle() { wait_until 150 "the check-schema init container was restarted" init_failing; sleep 25; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
