#!/usr/bin/env bash
# A ConfigMap setting the app's cache size is edited (CACHE_MB 16 -> 96) and the Deployment
# restarted to pick it up (kubectl rollout restart, as a config pipeline does); the new pods
# hold 96 MiB under a 64Mi limit and are OOMKilled at start, again and again. The memory limit
# did not change, nor did the image: the edit did. Truth: root cause ConfigMap
# thumbnails/cache-settings; symptom: the new renderer pods OOMKilled and restarting.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-thumbnails}"

prepare() {
  fresh_namespace "$ns"
  kubectl -n "$ns" create configmap cache-settings --from-literal=CACHE_MB=16 >/dev/null
  # memhog, the container's main process, holds CACHE_MB MiB of touched memory (its cache);
  # httpd (daemonised) serves the readiness probe.
  app "$ns" renderer 2 'mkdir -p /www && echo ok > /www/index.html && httpd -p 8080 -h /www && exec memhog "$CACHE_MB"' \
"          envFrom: [{ configMapRef: { name: cache-settings } }]
          resources: { requests: { memory: 64Mi }, limits: { memory: 64Mi } }"
  rolled_out "$ns" renderer
}

provoke() {
  kubectl -n "$ns" patch configmap cache-settings --type merge -p '{"data":{"CACHE_MB":"96"}}' >/dev/null
  log "edited ConfigMap $ns/cache-settings: CACHE_MB 16 -> 96"
  sleep 15
  kubectl -n "$ns" rollout restart deployment/renderer >/dev/null
  log "restarted $ns/renderer (kubectl rollout restart)"
}

settle() { wait_until 180 "a renderer pod was OOMKilled" pod_in_state "$ns" renderer OOMKilled; sleep 60; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
