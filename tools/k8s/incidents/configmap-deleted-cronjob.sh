#!/usr/bin/env bash
# A CronJob's pods mount ConfigMap report-settings; its Jobs have run fine every minute. Someone
# deletes the ConfigMap (a cleanup: "nothing is running that uses it" — between runs nothing
# is). The next scheduled Job's pod cannot mount it (FailedMount: configmap "report-settings"
# not found) and waits in ContainerCreating; nothing crashes and the Job neither fails nor
# completes. Truth: root cause ConfigMap reporting/report-settings (deleted); symptom: the
# waiting pod of the next Job. The CronJob did not change.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-reporting}"

prepare() {
  fresh_namespace "$ns"
  kubectl -n "$ns" create configmap report-settings --from-literal=format=csv >/dev/null
  kubectl apply -f - >/dev/null <<YAML
apiVersion: batch/v1
kind: CronJob
metadata: { name: daily-report, namespace: $ns }
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
          volumes: [{ name: settings, configMap: { name: report-settings } }]
          containers:
            - name: report
              image: $IMAGE
              imagePullPolicy: Never
              command: ["/bin/sh", "-c", "cat /settings/format && echo report done"]
              volumeMounts: [{ name: settings, mountPath: /settings }]
YAML
  wait_until 90 "a first daily-report Job succeeded" job_succeeded
}

job_succeeded() { kubectl -n "$ns" get jobs -o jsonpath='{.items[*].status.succeeded}' | grep -q 1; }

provoke() {
  kubectl -n "$ns" delete configmap report-settings >/dev/null
  log "deleted ConfigMap $ns/report-settings between two runs of CronJob $ns/daily-report"
}

mount_failed() { kubectl -n "$ns" get events --field-selector reason=FailedMount -o jsonpath='{.items[*].message}' | grep -q report-settings; }

settle() { wait_until 120 "the next Job's pod cannot mount the ConfigMap" mount_failed; sleep 60; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
