#!/usr/bin/env bash
# A release makes a worker spool to its emptyDir volume (sizeLimit 8Mi) without cleaning up:
# it writes 1 MiB a second, and once the volume is over its limit the kubelet evicts the pod
# (Evicted: Usage of EmptyDir volume "spool" exceeds the limit "8Mi"); each replacement does the
# same. Truth: root cause Deployment batch/spooler (the release that spools); symptom: its
# evicted pods.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-batch}"
SPOOL='mkdir -p /www && echo ok > /www/index.html && httpd -p 8080 -h /www; i=0; while true; do if [ "${SPOOL_MB:-0}" -gt 0 ]; then dd if=/dev/zero of=/spool/part-$i bs=1048576 count=1 2>/dev/null; i=$((i+1)); fi; sleep 1; done'

prepare() {
  fresh_namespace "$ns"
  app "$ns" spooler 1 "$SPOOL" '          env: [{ name: SPOOL_MB, value: "0" }]
          volumeMounts: [{ name: spool, mountPath: /spool }]' '      volumes: [{ name: spool, emptyDir: { sizeLimit: 8Mi } }]'
  rolled_out "$ns" spooler
}

provoke() {
  kubectl -n "$ns" set env deployment/spooler SPOOL_MB=1 >/dev/null
  log "released $ns/spooler spooling 1 MiB a second to its 8 MiB emptyDir"
}

settle() {
  wait_until 180 "a spooler pod evicted for its emptyDir" event_seen "$ns" Evicted EmptyDir
  sleep 45
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
