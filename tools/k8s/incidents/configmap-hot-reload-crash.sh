#!/usr/bin/env bash
# A ConfigMap mounted as a volume is edited in place to a value the app rejects; no rollout:
# the kubelet updates the mounted file within a minute, the app, which re-reads it every two
# seconds, exits 1 on the bad value, and every restart reads it again (CrashLoopBackOff).
# Truth: root cause ConfigMap ratings/ratings-config; symptom: the ratings pods crash-looping.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-ratings}"

prepare() {
  fresh_namespace "$ns"
  kubectl -n "$ns" create configmap ratings-config --from-literal=mode=strict >/dev/null
  app "$ns" ratings 2 "mkdir -p /www && echo ok > /www/index.html && httpd -p 8080 -h /www; while true; do case \"\$(cat /etc/ratings/mode)\" in strict|lenient) ;; *) echo \"invalid mode: \$(cat /etc/ratings/mode)\" >&2; exit 1;; esac; sleep 2; done" \
    '          volumeMounts: [{ name: config, mountPath: /etc/ratings, readOnly: true }]' '      volumes: [{ name: config, configMap: { name: ratings-config } }]'
  rolled_out "$ns" ratings
}

provoke() {
  kubectl -n "$ns" patch configmap ratings-config --type merge -p '{"data":{"mode":"permissive"}}' >/dev/null
  log "edited ConfigMap $ns/ratings-config: mode strict -> permissive (rejected by the app), no rollout"
}

settle() { wait_until 240 "a ratings pod crash-loops" pod_in_state "$ns" ratings CrashLoopBackOff; sleep 40; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
