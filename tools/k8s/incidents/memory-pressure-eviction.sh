#!/usr/bin/env bash
# Node memory pressure: a release of the renderer (no memory limit, no request) makes it grow
# by about 2.5 GiB; the node falls below the kubelet's memory.available threshold, the node
# reports MemoryPressure (taint node.kubernetes.io/memory-pressure) and the kubelet evicts:
# first the low-priority batch pods (Evicted, "Container thumbnails was using 2Mi, request is
# 0"), then the renderer itself ("was using 2.4Gi"). Truth: root cause the consumer that grew,
# Deployment reports/renderer; symptoms: the evicted pods; not the node, not the victims.
#
# The node is the whole shared host (24 GiB), so the threshold is raised rather than the host
# starved: just before the release, memory.available as the kubelet sees it (its summary API)
# minus MARGIN_MIB becomes the threshold of a kubelet started for this incident with
# --eviction-hard (cluster.sh start-kubelet, TAPIO_K8S_KUBELET_FLAGS); the renderer then grows
# to MARGIN_MIB + OVERSHOOT_MIB and stops there. Only the renderer has to grow: the host keeps
# the threshold's gigabytes free. The kubelet's normal flags come back in cleanup (record.sh
# runs it on any exit), and a detached watchdog restores them after WINDOW_MAX seconds
# whatever happens to this script. An eviction in another namespace ends the window at once.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-reports}"
node="${TAPIO_K8S_NODE_NAME:-tapio-node}"
low="tapio-batch-low-$ns"
margin_mib="${MARGIN_MIB:-1536}" overshoot_mib="${OVERSHOOT_MIB:-1024}" rate_mib="${RATE_MIB:-128}"
window_max="${WINDOW_MAX:-300}"
state="${TMPDIR:-/tmp}/tapio-incident-memory-pressure-$ns.env"
cluster() { bash "$incidents_dir/../cluster.sh" "$@"; }

# memory.available as the kubelet's eviction manager computes it (capacity - working set).
available_mib() {
  kubectl get --raw "/api/v1/nodes/$node/proxy/stats/summary" \
    | node -e 'const s = JSON.parse(require("fs").readFileSync(0, "utf8")); process.stdout.write(String(Math.floor(s.node.memory.availableBytes / 1048576)))'
}

kubelet_pid() { cat "$k8s_home/pids/kubelet.pid" 2>/dev/null; }
kubelet_raised() { local pid; pid="$(kubelet_pid)" && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- '--eviction-hard'; }
node_ready() { [ "$(kubectl get node "$node" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]; }
kubelet_serving() { node_ready && available_mib >/dev/null; }

# Back to kubelet.yaml's flags: only a kubelet this incident raised is restarted; a stopped one
# is started (as drain-uncordon's cleanup does).
restore_kubelet() {
  if kubelet_raised; then
    cluster stop-kubelet >/dev/null
    cluster start-kubelet >/dev/null
    log "kubelet of $node restarted with its normal eviction threshold"
  elif ! kill -0 "$(kubelet_pid)" 2>/dev/null; then
    cluster start-kubelet >/dev/null 2>&1 || true
  fi
}

prepare() {
  fresh_namespace "$ns"
  # Batch work the cluster may take back first: a negative priority, as for overprovisioning.
  kubectl apply -f - >/dev/null <<YAML
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: { name: $low }
value: -10
preemptionPolicy: Never
description: best-effort batch work, evicted first
YAML
  app "$ns" thumbnails 2 "$SERVE" "" "      priorityClassName: $low"
  # The renderer holds 64 MiB before the release (the largest of the node's ordinary pods);
  # no memory limit, no request: nothing bounds it but the node.
  app "$ns" renderer 1 "mkdir -p /www && echo ok > /www/index.html && httpd -p 8080 -h /www && exec memhog 64"
  rolled_out "$ns" thumbnails
  rolled_out "$ns" renderer
}

provoke() {
  local available threshold cap
  available="$(available_mib)"
  threshold=$((available - margin_mib))
  cap=$((margin_mib + overshoot_mib))
  [ "$threshold" -ge 4096 ] || { log "only ${available} MiB available on $node: too little to raise the threshold safely"; return 1; }
  echo "window_start=$(date -u +%FT%TZ)" > "$state"
  # The watchdog outlives this script (setsid), holds no lock, and is stopped by PID in cleanup.
  setsid bash -c "sleep $window_max; TAPIO_K8S_HOME='$k8s_home' bash '$incidents_dir/memory-pressure-eviction.sh' restore" \
    > /dev/null 2>&1 < /dev/null 8>&- 9>&- &
  echo "watchdog=$!" >> "$state"
  cluster stop-kubelet >/dev/null
  TAPIO_K8S_KUBELET_FLAGS="--eviction-hard=memory.available<${threshold}Mi,nodefs.available<1%,nodefs.inodesFree<1%,imagefs.available<1% --eviction-pressure-transition-period=10s" \
    cluster start-kubelet >/dev/null
  wait_until 60 "kubelet of $node back with memory.available<${threshold}Mi (${available} MiB available, margin ${margin_mib} MiB)" kubelet_serving
  # The release: the renderer now grows by RATE_MIB a second to the margin plus an overshoot.
  kubectl -n "$ns" patch deployment renderer --type=json -p "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/command/2\",\"value\":\"mkdir -p /www && echo ok > /www/index.html && httpd -p 8080 -h /www && exec memhog $cap $rate_mib\"}]" >/dev/null
  log "released $ns/renderer: grows ${rate_mib} MiB/s to ${cap} MiB, no memory limit"
}

evicted_in() { kubectl -n "$ns" get pods -l "app=$1" -o jsonpath='{.items[*].status.reason}' | grep -qw Evicted; }

# Evictions the kubelet made outside this namespace during the window: other runs' pods.
foreign_evictions() {
  local since; since="$(sed -n 's/^window_start=//p' "$state" 2>/dev/null)"
  [ -n "$since" ] || return 0
  kubectl get events -A --field-selector reason=Evicted -o jsonpath='{range .items[*]}{.metadata.namespace}/{.involvedObject.name} {.lastTimestamp}{"\n"}{end}' \
    | awk -v ns="$ns" -v since="$since" '$2 >= since && index($1, ns "/") != 1 { print $1 }'
}

settle() {
  local deadline=$((SECONDS + 180)) foreign
  until evicted_in renderer; do
    foreign="$(foreign_evictions)"
    if [ -n "$foreign" ]; then log "the kubelet evicted pods of other runs ($foreign): ending the window"; restore_kubelet; return 1; fi
    [ "$SECONDS" -lt "$deadline" ] || { log "no eviction of the renderer within 180 s"; restore_kubelet; return 1; }
    sleep 1
  done
  log "the kubelet evicted $ns/renderer (thumbnails evicted first: $(evicted_in thumbnails && echo yes || echo no))"
  sleep 5
}

cleanup() {
  local watchdog
  watchdog="$(sed -n 's/^watchdog=//p' "$state" 2>/dev/null)"
  # Its own process group (setsid): the group takes its sleep with it.
  [ -n "$watchdog" ] && kill -- "-$watchdog" 2>/dev/null || true
  restore_kubelet
  local foreign; foreign="$(foreign_evictions 2>/dev/null || true)"
  [ -z "$foreign" ] || log "warning: the kubelet also evicted pods of other runs during the window: $foreign"
  rm -f "$state"
  kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null
  kubectl delete priorityclass "$low" --ignore-not-found >/dev/null
}

case "${1:-all}" in
  restore) restore_kubelet;;
  # Run on its own: the kubelet's flags come back whatever step fails.
  all) trap cleanup EXIT; prepare; provoke; settle;;
  *) run_incident "$@";;
esac
