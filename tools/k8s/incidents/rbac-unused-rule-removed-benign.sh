#!/usr/bin/env bash
# The stock-sync app runs as its own ServiceAccount (stock-sync) and lists the namespace's
# configmaps through the Kubernetes API every 3 s; Role stock-sync lets it read configmaps and
# get leases, which it never does. An access review removes the leases rule (kubectl apply);
# the configmaps rule stays, every call still succeeds, nothing restarts. Watched for 90 s.
# Truth: benign, nothing is wrong (the near miss of rbac-role-narrowed.sh).
source "$(dirname "$0")/lib.sh"
source "$incidents_dir/rbac-app.sh"
ns="${INCIDENT_NS:-inventory-b}"

prepare() {
  fresh_namespace "$ns"
  rbac_app "$ns" stock-sync 2
}

provoke() {
  rbac_role "$ns" stock-sync "$RULE_CONFIGMAPS_READ"
  log "removed the unused leases rule from Role $ns/stock-sync (configmaps get,list,watch kept; kubectl apply)"
}

restarts() { kubectl -n "$ns" get pods -l app=stock-sync -o jsonpath='{range .items[*]}{.status.containerStatuses[*].restartCount}{"\n"}{end}' | awk '{ total += $1 } END { print total + 0 }'; }

settle() {
  sleep 90
  rolled_out "$ns" stock-sync
  log "90 s later: stock-sync still rolled out, $(restarts) restart(s)"
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
