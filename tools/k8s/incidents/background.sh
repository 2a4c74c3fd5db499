#!/usr/bin/env bash
# Ordinary background work that runs while an incident is recorded, as in any real cluster:
# a web frontend with two replicas, a client polling it, a CronJob every minute.
#   bash background.sh up | down
source "$(dirname "$0")/lib.sh"
ns=background

up() {
  if kubectl get namespace "$ns" >/dev/null 2>&1 && rolled_out "$ns" frontend && rolled_out "$ns" shopper; then return 0; fi
  fresh_namespace "$ns"
  app "$ns" frontend 2 "$SERVE"
  app "$ns" shopper 1 "while true; do timeout 3 wget -qO- http://frontend.$ns.svc.cluster.local/ >/dev/null || echo 'frontend unreachable'; sleep 2; done & $SERVE"
  kubectl apply -f - >/dev/null <<YAML
apiVersion: batch/v1
kind: CronJob
metadata: { name: nightly-report, namespace: $ns }
spec:
  schedule: "* * * * *"
  successfulJobsHistoryLimit: 2
  failedJobsHistoryLimit: 1
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: $IMAGE
              imagePullPolicy: Never
              command: ["/bin/sh", "-c", "echo report done; sleep 2"]
YAML
  rolled_out "$ns" frontend
  rolled_out "$ns" shopper
  log "background workloads ready in namespace $ns"
}

down() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

case "${1:-up}" in up) up;; down) down;; *) echo "usage: $0 up|down" >&2; exit 2;; esac
