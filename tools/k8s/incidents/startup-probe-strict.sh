#!/usr/bin/env bash
# The app takes 12 s to start serving; a release adds a startup probe that allows it 3 s
# (periodSeconds 1, failureThreshold 3): the kubelet kills every new container before it serves
# (Startup probe failed, then Killing), the new pod restarts and backs off; the old pods keep
# serving. Truth: root cause Deployment signup/accounts (its startup probe); symptom: the new
# accounts pod restarting.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-signup}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" accounts 2 "sleep 12; $SERVE"
  kubectl -n "$ns" rollout status deployment/accounts --timeout=180s >/dev/null
}

provoke() {
  kubectl -n "$ns" patch deployment accounts --type json -p '[{"op":"add","path":"/spec/template/spec/containers/0/startupProbe","value":{"httpGet":{"path":"/","port":8080},"periodSeconds":1,"failureThreshold":3}}]' >/dev/null
  log "added a startup probe of 3 s to $ns/accounts (it takes 12 s to start)"
}

restarted() { kubectl -n "$ns" get pods -l app=accounts -o jsonpath='{.items[*].status.containerStatuses[*].restartCount}' | tr ' ' '\n' | grep -q '^[2-9]'; }

settle() { wait_until 180 "an accounts pod restarted twice" restarted; sleep 40; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
