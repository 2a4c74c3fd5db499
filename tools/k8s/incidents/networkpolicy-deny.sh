#!/usr/bin/env bash
# A NetworkPolicy that selects a backend's pods and admits no ingress ("deny all") is applied;
# the api, ready only while it reaches Service db, would go unready on a cluster whose network
# plugin enforces policies. The test cluster's CNI (bridge + host-local, no policy agent) does
# not enforce them: the policy is stored, nothing is dropped, and the api stays ready. The
# script waits HOLD seconds (150) and logs what really happened (POLICY_OUTCOME in the log).
# Truth on this cluster: benign (a policy change with no effect); on an enforcing network the
# root cause would be NetworkPolicy <ns>/db-lockdown.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-ledger}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" db 1 "$SERVE"
  app "$ns" api 2 "$SERVE"
  # The api is ready only while Service db answers.
  kubectl -n "$ns" patch deployment api --type json -p '[{"op":"replace","path":"/spec/template/spec/containers/0/readinessProbe","value":{"exec":{"command":["/bin/sh","-c","timeout 2 wget -qO- http://db/ >/dev/null"]},"periodSeconds":3,"failureThreshold":2}}]' >/dev/null
  rolled_out "$ns" db
  rolled_out "$ns" api
}

provoke() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: db-lockdown, namespace: $ns }
spec:
  podSelector: { matchLabels: { app: db } }
  policyTypes: [Ingress]
YAML
  log "applied NetworkPolicy $ns/db-lockdown (selects app=db, admits no ingress)"
}

unready() { kubectl -n "$ns" get pods -l app=api -o jsonpath='{.items[*].status.containerStatuses[*].ready}' | grep -qw false; }

settle() {
  local deadline=$((SECONDS + ${HOLD:-150})) outcome="the api stayed ready: the policy was not enforced"
  while [ "$SECONDS" -lt "$deadline" ]; do
    if unready; then outcome="the api went unready: the policy was enforced"; break; fi
    sleep 2
  done
  log "POLICY_OUTCOME: $outcome"
  [ "$SECONDS" -ge "$deadline" ] || sleep $((deadline - SECONDS))
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
