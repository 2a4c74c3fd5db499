#!/usr/bin/env bash
# A new application is deployed for the first time with an image that does not exist: there
# is no rollout of anything that worked before, its only pods never start (ErrImageNeverPull:
# nothing is pulled on the test machines). Truth: root cause Deployment labs/recommender
# (created with image tapio.local/recommender:0.9.0); symptom: its pods that cannot get it.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-labs}"

prepare() { fresh_namespace "$ns"; }

provoke() {
  IMAGE=tapio.local/recommender:0.9.0 app "$ns" recommender 2 "$SERVE"
  log "deployed $ns/recommender with image tapio.local/recommender:0.9.0 (not present)"
}

settle() { wait_until 120 "a recommender pod cannot get its image" pod_in_state "$ns" recommender ErrImageNeverPull; sleep 150; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
