#!/usr/bin/env bash
# A platform team adds a ResourceQuota on CPU and memory limits to a namespace whose pods set
# none (a "fair share" rollout across teams). A quota on limits makes every new pod name its
# limits; the running pods carry on. Twenty seconds later a routine restart creates a ReplicaSet
# whose pods are refused (FailedCreate: failed quota: team-share: must specify limits.cpu for:
# ...); the old pods keep serving and the rollout waits.
# Truth: root cause ResourceQuota ledger-team/team-share (created); symptom: the new ReplicaSet.
# The restart is not the cause.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-ledger-team}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" reconciler 2 "$SERVE"
  rolled_out "$ns" reconciler
}

provoke() {
  kubectl -n "$ns" create quota team-share --hard=limits.cpu=4,limits.memory=4Gi >/dev/null
  log "created ResourceQuota $ns/team-share on limits.cpu and limits.memory (the pods set no limits)"
  sleep 20
  kubectl -n "$ns" rollout restart deployment/reconciler >/dev/null
  log "restarted $ns/reconciler (kubectl rollout restart)"
}

settle() {
  wait_until 90 "the ReplicaSet was refused pods for the quota" event_seen "$ns" FailedCreate "must specify"
  sleep 40
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
