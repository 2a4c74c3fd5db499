#!/usr/bin/env bash
# A batch Job is given an activeDeadlineSeconds (30) shorter than its work (90 s): the Job
# controller stops its pod and fails the Job (DeadlineExceeded). Truth: root cause Job
# billing/invoice-export (its deadline); symptom: the same Job, failed.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-billing}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" invoices 1 "$SERVE"
  rolled_out "$ns" invoices
}

provoke() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: batch/v1
kind: Job
metadata: { name: invoice-export, namespace: $ns }
spec:
  activeDeadlineSeconds: 30
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 2
      containers:
        - name: export
          image: $IMAGE
          imagePullPolicy: Never
          command: ["/bin/sh", "-c", "echo exporting; sleep 90; echo done"]
YAML
  log "created Job $ns/invoice-export (deadline 30 s, work 90 s)"
}

deadline() { kubectl -n "$ns" get job invoice-export -o jsonpath='{.status.conditions[*].reason}' | grep -qw DeadlineExceeded; }

settle() { wait_until 120 "the Job failed (DeadlineExceeded)" deadline; sleep 20; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
