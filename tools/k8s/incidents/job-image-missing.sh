#!/usr/bin/env bash
# A one-off Job is created with an image tag that does not exist: its pod never starts
# (ErrImageNeverPull), the Job neither fails nor completes, nothing restarts. Truth: root cause
# Job reports-b/monthly-export (its image); symptom: the Job's pod that cannot get its image.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-reports-b}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" viewer 1 "$SERVE"
  rolled_out "$ns" viewer
}

provoke() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: batch/v1
kind: Job
metadata: { name: monthly-export, namespace: $ns }
spec:
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: export
          image: tapio.local/exporter:does-not-exist
          imagePullPolicy: Never
          command: ["/bin/sh", "-c", "echo exporting"]
YAML
  log "created Job $ns/monthly-export with image tapio.local/exporter:does-not-exist"
}

no_image() { kubectl -n "$ns" get pods -l job-name=monthly-export -o jsonpath='{.items[*].status.containerStatuses[*].state.waiting.reason}' | grep -qw ErrImageNeverPull; }

settle() { wait_until 120 "the Job's pod cannot get its image" no_image; sleep 150; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
