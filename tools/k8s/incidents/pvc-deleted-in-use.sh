#!/usr/bin/env bash
# The reports Deployment keeps its cache on a PersistentVolumeClaim (a hostPath volume bound by
# name). Someone deletes the claim ("unused", a cleanup); Kubernetes keeps it Terminating while
# the running pods use it (pvc-protection), so nothing breaks yet. Twenty seconds later a routine
# restart creates a pod the scheduler cannot place: persistentvolumeclaim "report-cache" is being
# deleted; it stays Pending, the old pods keep serving and the rollout waits.
# Truth: root cause PersistentVolumeClaim analytics/report-cache (deleted while in use); symptom:
# the new reports pod that is never scheduled. The restart is not the cause.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-analytics}"
pv="tapio-incident-$ns-report-cache"

prepare() {
  fresh_namespace "$ns"
  kubectl delete pv "$pv" --ignore-not-found --wait=false >/dev/null
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: PersistentVolume
metadata: { name: $pv }
spec:
  capacity: { storage: 64Mi }
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: ""
  hostPath: { path: /tmp/$pv, type: DirectoryOrCreate }
  claimRef: { namespace: $ns, name: report-cache }
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: report-cache, namespace: $ns }
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: ""
  volumeName: $pv
  resources: { requests: { storage: 64Mi } }
YAML
  app "$ns" reports 2 "$SERVE" "          volumeMounts: [{ name: cache, mountPath: /cache }]" "      volumes: [{ name: cache, persistentVolumeClaim: { claimName: report-cache } }]"
  rolled_out "$ns" reports
}

provoke() {
  kubectl -n "$ns" delete pvc report-cache --wait=false >/dev/null
  log "deleted PersistentVolumeClaim $ns/report-cache while the reports pods use it (it stays Terminating)"
  sleep 20
  kubectl -n "$ns" rollout restart deployment/reports >/dev/null
  log "restarted $ns/reports (kubectl rollout restart)"
}

settle() {
  wait_until 90 "a reports pod failed scheduling on the claim being deleted" event_seen "$ns" FailedScheduling "being deleted"
  sleep 40
}

cleanup() {
  kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null
  kubectl delete pv "$pv" --ignore-not-found --wait=false >/dev/null
}

run_incident "$@"
