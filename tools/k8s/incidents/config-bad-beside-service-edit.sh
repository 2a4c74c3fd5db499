#!/usr/bin/env bash
# Two changes within a minute, one harmless: a Service gets an extra port (metrics, 9100) and
# the ConfigMap its pods read gets a value the app rejects, put live by a routine restart; the
# new pods exit 1 at start. The Service edit is not why. Truth: root cause ConfigMap
# loyalty/points-config; symptom: the new points pods crash-looping.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-loyalty}"

prepare() {
  fresh_namespace "$ns"
  kubectl -n "$ns" create configmap points-config --from-literal=RATE=1 >/dev/null
  app "$ns" points 2 "case \"\$RATE\" in [0-9]*) ;; *) echo \"invalid RATE: \$RATE\" >&2; exit 1;; esac; $SERVE" '          envFrom: [{ configMapRef: { name: points-config } }]'
  rolled_out "$ns" points
}

provoke() {
  # A Service of several ports names each: the existing one becomes "http".
  kubectl -n "$ns" patch service points --type json -p '[{"op":"add","path":"/spec/ports/0/name","value":"http"},{"op":"add","path":"/spec/ports/-","value":{"name":"metrics","port":9100,"targetPort":9100}}]' >/dev/null
  log "added port metrics (9100) to Service $ns/points"
  sleep 10
  kubectl -n "$ns" patch configmap points-config --type merge -p '{"data":{"RATE":"one-and-a-half"}}' >/dev/null
  log "edited ConfigMap $ns/points-config: RATE 1 -> one-and-a-half (rejected by the app)"
  sleep 10
  kubectl -n "$ns" rollout restart deployment/points >/dev/null
  log "restarted $ns/points (kubectl rollout restart)"
}

settle() { wait_until 180 "a points pod crash-loops" pod_in_state "$ns" points CrashLoopBackOff; sleep 40; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
