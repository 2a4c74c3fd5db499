#!/usr/bin/env bash
# A batch Job whose every attempt fails (its input file is missing) until the Job
# controller gives up: BackoffLimitExceeded. Truth: root cause Job billing-batch/settle
# (its pods exit 1; nothing else changed); symptom: the Job failed.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-billing-batch}"

prepare() { fresh_namespace "$ns"; }

provoke() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: batch/v1
kind: Job
metadata: { name: settle, namespace: $ns }
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      terminationGracePeriodSeconds: 1
      containers:
        - name: settle
          image: $IMAGE
          imagePullPolicy: Never
          command: ["/bin/sh", "-c", "cat /data/ledger.csv || { echo 'no ledger to settle'; exit 1; }"]
YAML
  log "created Job $ns/settle"
}

gave_up() { kubectl -n "$ns" get job settle -o jsonpath='{.status.conditions[?(@.type=="Failed")].reason}' | grep -q BackoffLimitExceeded; }

settle() { wait_until 240 "the Job gave up (BackoffLimitExceeded)" gave_up; sleep 10; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
