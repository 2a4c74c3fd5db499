#!/usr/bin/env bash
# A CronJob's job template is changed by a release to an argument its program rejects: the
# next scheduled Job's pods exit 2 until the Job gives up (BackoffLimitExceeded), and so does
# every Job after it. The Jobs are the symptom; the change to the CronJob is the cause.
# Truth: root cause CronJob billing-cron/invoice-export (its container's args changed);
# symptom: the first failing Job.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-billing-cron}"
EXPORT='case "$1" in --format=csv|"") echo exported; exit 0;; *) echo "unknown flag $1" >&2; exit 2;; esac'

prepare() {
  fresh_namespace "$ns"
  kubectl apply -f - >/dev/null <<YAML
apiVersion: batch/v1
kind: CronJob
metadata: { name: invoice-export, namespace: $ns }
spec:
  schedule: "* * * * *"
  concurrencyPolicy: Forbid
  successfulJobsHistoryLimit: 2
  failedJobsHistoryLimit: 2
  jobTemplate:
    spec:
      backoffLimit: 1
      template:
        spec:
          restartPolicy: Never
          terminationGracePeriodSeconds: 2
          containers:
            - name: export
              image: $IMAGE
              imagePullPolicy: Never
              command: ["/bin/sh", "-c", $(json_string "$EXPORT"), "export"]
              args: ["--format=csv"]
YAML
  wait_until 90 "a first invoice-export Job succeeded" job_succeeded
}

job_succeeded() { kubectl -n "$ns" get jobs -o jsonpath='{.items[*].status.succeeded}' | grep -q 1; }

provoke() {
  kubectl -n "$ns" patch cronjob invoice-export --type json -p '[{"op":"replace","path":"/spec/jobTemplate/spec/template/spec/containers/0/args","value":["--format=parquet"]}]' >/dev/null
  log "changed the args of CronJob $ns/invoice-export to --format=parquet (the program rejects it)"
}

gave_up() { kubectl -n "$ns" get events --field-selector reason=BackoffLimitExceeded -o name | grep -q .; }

settle() { wait_until 240 "an invoice-export Job gave up" gave_up; sleep 20; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
