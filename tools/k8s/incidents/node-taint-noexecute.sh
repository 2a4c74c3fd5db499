#!/usr/bin/env bash
# Someone taints the node NoExecute (maintenance=now, meant for another node). The taint manager
# evicts every pod that does not tolerate it at once; none can come back (the only node carries
# the taint), so the Service in front of the app loses its last endpoint. The taint is removed at
# the end. Truth: root cause Node tapio-node (tainted); symptoms: the evicted pods of
# checkout/web, their replacements left Pending, and the Service without endpoints.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-checkout}"
node_name="${INCIDENT_NODE:-tapio-node}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" web 2 "$SERVE"
  rolled_out "$ns" web
}

provoke() {
  kubectl taint node "$node_name" maintenance=now:NoExecute >/dev/null
  log "tainted node $node_name maintenance=now:NoExecute"
}

no_endpoints() { [ -z "$(kubectl -n "$ns" get endpoints web -o jsonpath='{.subsets[*].addresses[*].ip}')" ]; }

settle() { wait_until 120 "the web Service has no endpoint" no_endpoints; sleep 150; }

cleanup() {
  kubectl taint node "$node_name" maintenance=now:NoExecute- >/dev/null 2>&1 || true
  kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null
}

run_incident "$@"
