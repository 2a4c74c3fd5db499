#!/usr/bin/env bash
# A release replaces the worker's command with a one-shot migration script that prints and exits
# 0 (meant for a Job, shipped in the Deployment). The container completes, the kubelet restarts
# it (restartPolicy Always), and the new pods go into CrashLoopBackOff with reason Completed,
# exit code 0: no error anywhere, yet the pods never become ready. The old pods keep serving.
# Truth: root cause Deployment billing/invoicer (its new command); symptom: the new pods.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-billing}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" invoicer 2 "$SERVE"
  rolled_out "$ns" invoicer
}

provoke() {
  kubectl -n "$ns" patch deployment invoicer --type json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/command","value":["/bin/sh","-c","echo migrating invoices schema; sleep 2; echo done"]}]' >/dev/null
  log "changed $ns/invoicer's command to a one-shot script that exits 0"
}

completing() { kubectl -n "$ns" get pods -l app=invoicer -o jsonpath='{.items[*].status.containerStatuses[*].state.waiting.reason}' | grep -qw CrashLoopBackOff; }

settle() { wait_until 150 "a new invoicer pod is in CrashLoopBackOff after exiting 0" completing; sleep 60; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
