#!/usr/bin/env bash
# A new StatefulSet is deployed with a volumeClaimTemplate of storage class fast-ssd, which the
# cluster does not have: its first claim stays Pending (ProvisioningFailed) and its first pod is
# never scheduled. Truth: root cause StatefulSet queue-b/broker (its claim template); its
# claim is an acceptable answer; symptom: pod broker-0 left Pending.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-queue-b}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" producer 1 "$SERVE"
  rolled_out "$ns" producer
}

provoke() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: broker, namespace: $ns }
spec:
  serviceName: broker
  replicas: 1
  selector: { matchLabels: { app: broker } }
  template:
    metadata: { labels: { app: broker } }
    spec:
      terminationGracePeriodSeconds: 2
      containers:
        - name: broker
          image: $IMAGE
          imagePullPolicy: Never
          command: ["/bin/sh", "-c", "$SERVE"]
          volumeMounts: [{ name: data, mountPath: /data }]
  volumeClaimTemplates:
    - metadata: { name: data }
      spec: { storageClassName: fast-ssd, accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
YAML
  log "deployed StatefulSet $ns/broker with a claim template of storage class fast-ssd (not in the cluster)"
}

unschedulable() { kubectl -n "$ns" get events --field-selector reason=FailedScheduling -o name | grep -q .; }

settle() { wait_until 120 "broker-0 failed scheduling" unschedulable; sleep 150; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
