#!/usr/bin/env bash
# Benign: a CronJob every minute whose Job fails on its first attempts and then succeeds
# (backoffLimit 4); ordinary batch work with failed pods on the way. Truth: benign.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-reports}"

prepare() {
  fresh_namespace "$ns"
}

provoke() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: batch/v1
kind: CronJob
metadata: { name: hourly-export, namespace: $ns }
spec:
  schedule: "* * * * *"
  concurrencyPolicy: Forbid
  successfulJobsHistoryLimit: 3
  failedJobsHistoryLimit: 1
  jobTemplate:
    spec:
      backoffLimit: 4
      template:
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 1
          containers:
            - name: export
              image: $IMAGE
              imagePullPolicy: Never
              # Fails while the wall-clock second is below 20 (the first attempt of each run),
              # then succeeds on a retry: a flaky upstream, retried by the Job controller.
              command: ["/bin/sh", "-c", "s=\$(date +%S); s=\${s#0}; if [ \$s -lt 20 ]; then echo 'upstream busy'; exit 1; fi; echo exported"]
YAML
  log "created CronJob $ns/hourly-export"
}

completed_runs() { [ "$(kubectl -n "$ns" get jobs -o jsonpath='{range .items[*]}{.status.succeeded}{"\n"}{end}' | grep -c '^1$')" -ge "${RUNS:-2}" ]; }

settle() { wait_until 300 "${RUNS:-2} runs of the CronJob completed" completed_runs; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
