#!/usr/bin/env bash
# A release of the database (Recreate strategy: the old pod stops first) sets an argument its
# program rejects: the db pod crash-loops, its Service has no endpoint, and the api, which exits
# when it cannot reach the database, crash-loops too. Two workloads crash; one is why. Truth:
# root cause Deployment inventory-db/db (its release); symptom: the api pods crash-looping.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-inventory-db}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" db 1 "$SERVE"
  kubectl -n "$ns" patch deployment db --type json -p '[{"op":"replace","path":"/spec/strategy","value":{"type":"Recreate"}}]' >/dev/null
  # The api serves while the database answers and exits 1 when it does not (as a service that
  # cannot work without it would).
  app "$ns" api 2 "mkdir -p /www && echo ok > /www/index.html && httpd -p 8080 -h /www; while timeout 2 wget -q -O - http://db.$ns.svc.cluster.local/ >/dev/null; do sleep 2; done; echo 'FATAL: database db unreachable' >&2; exit 1"
  rolled_out "$ns" db
  rolled_out "$ns" api
}

provoke() {
  kubectl -n "$ns" patch deployment db --type json -p '[{"op":"add","path":"/spec/template/spec/containers/0/args","value":["--max-connections=-1"]},{"op":"replace","path":"/spec/template/spec/containers/0/command","value":["/bin/sh","-c","echo \"invalid max-connections: $1\" >&2; exit 2","db"]}]' >/dev/null
  log "released $ns/db with an argument its program rejects (exit 2)"
}

settle() {
  wait_until 180 "the api pods crash-loop" pod_in_state "$ns" api CrashLoopBackOff
  sleep 40
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
