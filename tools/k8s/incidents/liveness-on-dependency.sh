#!/usr/bin/env bash
# An api whose liveness probe checks the cache it uses (a common mistake) is restarted by the
# kubelet when the cache goes: someone scales the cache Deployment to zero (kubectl scale), its
# Service has no endpoint, the api's liveness fails and its containers are killed and restarted
# again and again (CrashLoopBackOff), though nothing is wrong with the api itself. Truth: root
# cause Deployment sessions/cache (scaled to 0); symptom: the api pods restarting.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-sessions}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" cache 1 "$SERVE"
  app "$ns" api 2 "$SERVE"
  kubectl -n "$ns" patch deployment api --type json -p "[{\"op\":\"add\",\"path\":\"/spec/template/spec/containers/0/livenessProbe\",\"value\":{\"exec\":{\"command\":[\"/bin/sh\",\"-c\",\"timeout 2 wget -q -O - http://cache.$ns.svc.cluster.local/ >/dev/null\"]},\"periodSeconds\":3,\"failureThreshold\":2}}]" >/dev/null
  rolled_out "$ns" cache
  rolled_out "$ns" api
}

provoke() {
  kubectl -n "$ns" scale deployment/cache --replicas=0 >/dev/null
  log "scaled $ns/cache to 0"
}

restarted() { kubectl -n "$ns" get pods -l app=api -o jsonpath='{.items[*].status.containerStatuses[*].restartCount}' | tr ' ' '\n' | grep -q '^[2-9]'; }

settle() { wait_until 180 "an api pod restarted twice" restarted; sleep 40; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
