#!/usr/bin/env bash
# A release mounts a new PersistentVolumeClaim whose storage class (fast-ssd) the cluster does
# not have: the claim stays Pending (ProvisioningFailed: storageclass "fast-ssd" not found), the
# scheduler cannot place the new pod (unbound immediate PersistentVolumeClaims); the old pods
# keep serving. Truth: root cause PersistentVolumeClaim media/thumbnails-cache (its class);
# the Deployment that mounts it is an acceptable answer; symptom: the new thumbnails pod.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-media}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" thumbnails 2 "$SERVE"
  rolled_out "$ns" thumbnails
}

provoke() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: thumbnails-cache, namespace: $ns }
spec:
  storageClassName: fast-ssd
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 1Gi } }
YAML
  log "created PersistentVolumeClaim $ns/thumbnails-cache (storage class fast-ssd, not in the cluster)"
  sleep 5
  kubectl -n "$ns" patch deployment thumbnails --type json -p '[
    {"op":"add","path":"/spec/template/spec/volumes","value":[{"name":"cache","persistentVolumeClaim":{"claimName":"thumbnails-cache"}}]},
    {"op":"add","path":"/spec/template/spec/containers/0/volumeMounts","value":[{"name":"cache","mountPath":"/cache"}]}]' >/dev/null
  log "mounted claim thumbnails-cache into $ns/thumbnails"
}

unschedulable() { kubectl -n "$ns" get events --field-selector reason=FailedScheduling -o name | grep -q .; }

settle() { wait_until 120 "a thumbnails pod failed scheduling" unschedulable; sleep 40; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
