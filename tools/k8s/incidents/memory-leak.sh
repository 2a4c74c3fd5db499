#!/usr/bin/env bash
# A release whose container leaks: its memory grows steadily toward its limit until it is
# OOMKilled, again after each restart. Unlike oom-limit.sh the limit is not changed: the
# kubelet collector sees the working set climb past 85% of the limit and its trend toward the
# limit minutes before the kill. Truth: root cause Deployment ledger/leaky (the leaking
# release); symptom: its pods OOMKilled and restarting.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-ledger}"
limit_mib="${LEAK_LIMIT_MIB:-160}"

prepare() {
  fresh_namespace "$ns"
  # Starts small; provoke makes it grow.
  app "$ns" leaky 1 "mkdir -p /www && echo ok > /www/index.html && httpd -p 8080 -h /www && exec sleep 3600" \
"          resources: { requests: { memory: ${limit_mib}Mi }, limits: { memory: ${limit_mib}Mi } }"
  rolled_out "$ns" leaky
}

provoke() {
  # memhog touches 1 MiB a second: about $((limit_mib * 15 / 100)) s between 85% and the limit,
  # more than one cAdvisor refresh (10-15 s), so the kubelet reports at least one sample there.
  kubectl -n "$ns" patch deployment leaky --type=json -p "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/command/2\",\"value\":\"mkdir -p /www && echo ok > /www/index.html && httpd -p 8080 -h /www && exec memhog $((limit_mib * 2)) 1\"}]" >/dev/null
  log "the leaky container of $ns/leaky now grows 1 MiB/s toward its ${limit_mib}Mi limit"
}

settle() { wait_until 420 "a leaky pod was OOMKilled" pod_in_state "$ns" leaky OOMKilled; sleep 20; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
