# Shared by the node-pressure incidents (memory-pressure-eviction.sh, disk-pressure-eviction.sh,
# pid-pressure-eviction.sh): real kubelet evictions on a node that is the whole shared host,
# without starving the host.
# Sourced after lib.sh, with the incident's own settings set first:
#   ns            the incident's namespace
#   signal        the kubelet's eviction signal: memory.available, nodefs.available or pid.available
#   incident      the incident script's path (the watchdog runs its `restore`)
# Just before the release, the signal's value as the kubelet sees it (its summary API) minus
# MARGIN_MIB becomes the threshold of a kubelet started for this incident with --eviction-hard
# (cluster.sh start-kubelet, TAPIO_K8S_KUBELET_FLAGS); the consumer then takes MARGIN_MIB +
# OVERSHOOT_MIB and stops there, so only it has to grow: the host keeps the threshold's
# gigabytes free. The kubelet's normal flags come back in cleanup (record.sh runs it on any
# exit), and a detached watchdog restores them after WINDOW_MAX seconds whatever happens to the
# script. An eviction in another namespace ends the window at once.
# pid.available is a count of tasks, not MiB: the threshold is what is available minus
# MARGIN_PIDS (a plain number), the consumer creates MARGIN_PIDS + OVERSHOOT_PIDS processes,
# RATE_PIDS a second, and stops there; the threshold must leave at least 8192 task IDs free.
node="${TAPIO_K8S_NODE_NAME:-tapio-node}"
low="tapio-batch-low-$ns"
margin_mib="${MARGIN_MIB:-1536}" overshoot_mib="${OVERSHOOT_MIB:-1024}" rate_mib="${RATE_MIB:-128}"
margin_pids="${MARGIN_PIDS:-400}" overshoot_pids="${OVERSHOOT_PIDS:-300}" rate_pids="${RATE_PIDS:-25}"
window_max="${WINDOW_MAX:-300}"
state="${TMPDIR:-/tmp}/tapio-incident-$(basename "$incident" .sh)-$ns.env"
cluster() { bash "$incidents_dir/../cluster.sh" "$@"; }

# The signal's value in MiB as the kubelet's eviction manager computes it: memory capacity minus
# working set, or the free bytes of the filesystem of its root directory (nodefs).
available_mib() {
  kubectl get --raw "/api/v1/nodes/$node/proxy/stats/summary" | SIGNAL="$signal" node -e '
    const s = JSON.parse(require("fs").readFileSync(0, "utf8"));
    const bytes = process.env.SIGNAL === "nodefs.available" ? s.node.fs.availableBytes : s.node.memory.availableBytes;
    process.stdout.write(String(Math.floor(bytes / 1048576)))'
}

# pid.available as the kubelet's eviction manager computes it: the node's task limit (the lower of
# kernel.pid_max and kernel.threads-max) minus the tasks that exist (/proc/loadavg's total, threads
# included), from its summary API's node.rlimit.
available_pids() {
  kubectl get --raw "/api/v1/nodes/$node/proxy/stats/summary" | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8")).node.rlimit;
    if (!r || r.maxpid === undefined || r.curproc === undefined) process.exit(1);
    process.stdout.write(String(r.maxpid - r.curproc))'
}

# The signal's value in its own unit (MiB, or tasks for pid.available).
signal_available() { if [ "$signal" = pid.available ]; then available_pids; else available_mib; fi; }

kubelet_pid() { cat "$k8s_home/pids/kubelet.pid" 2>/dev/null; }
kubelet_raised() { local pid; pid="$(kubelet_pid)" && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- '--eviction-hard'; }
node_ready() { [ "$(kubectl get node "$node" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" = True ]; }
kubelet_serving() { node_ready && signal_available >/dev/null; }

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

# Batch work the cluster may take back first: a negative priority, as for overprovisioning.
low_priority_class() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: { name: $low }
value: -10
preemptionPolicy: Never
description: best-effort batch work, evicted first
YAML
}

# raise_threshold: prints the consumer's cap (MARGIN_MIB + OVERSHOOT_MIB, or MARGIN_PIDS +
# OVERSHOOT_PIDS processes) once the kubelet is back with the signal's threshold just under what
# is available now.
raise_threshold() {
  local available threshold others margin=$margin_mib overshoot=$overshoot_mib unit=MiB suffix=Mi floor=4096 extra=""
  # For pids the kubelet ranks pods of one priority by their process counts, which come from
  # cAdvisor's containerd factory only: it looks for containerd at /run/containerd/containerd.sock
  # unless told (the kubelet's deprecated --containerd), and without it every pod counts 0.
  [ "$signal" != pid.available ] || { margin=$margin_pids overshoot=$overshoot_pids unit=tasks suffix="" floor=8192
    extra=" --containerd=$k8s_home/run/containerd.sock"; }
  available="$(signal_available)"
  threshold=$((available - margin))
  [ "$threshold" -ge "$floor" ] || { log "only ${available} ${unit} of $signal on $node: too little to raise the threshold safely"; return 1; }
  echo "window_start=$(date -u +%FT%TZ)" > "$state"
  # The watchdog outlives this script (setsid), holds no lock, and is stopped by PID in cleanup.
  setsid bash -c "sleep $window_max; TAPIO_K8S_HOME='$k8s_home' bash '$incident' restore" \
    > /dev/null 2>&1 < /dev/null 8>&- 9>&- &
  echo "watchdog=$!" >> "$state"
  # The other signals at the kubelet.yaml defaults' level, so only this one can fire.
  case "$signal" in
    memory.available) others="nodefs.available<1%,nodefs.inodesFree<1%,imagefs.available<1%";;
    pid.available) others="memory.available<100Mi,nodefs.available<1%,nodefs.inodesFree<1%,imagefs.available<1%";;
    *) others="memory.available<100Mi,nodefs.inodesFree<1%,imagefs.available<1%";;
  esac
  cluster stop-kubelet >/dev/null
  TAPIO_K8S_KUBELET_FLAGS="--eviction-hard=$signal<${threshold}${suffix},$others --eviction-pressure-transition-period=10s$extra" \
    cluster start-kubelet >/dev/null
  wait_until 60 "kubelet of $node back with $signal<${threshold}${suffix} (${available} ${unit} available, margin ${margin} ${unit})" kubelet_serving
  echo $((margin + overshoot))
}

evicted_in() { kubectl -n "$ns" get pods -l "app=$1" -o jsonpath='{.items[*].status.reason}' | grep -qw Evicted; }

# Evictions the kubelet made outside this namespace during the window: other runs' pods.
foreign_evictions() {
  local since; since="$(sed -n 's/^window_start=//p' "$state" 2>/dev/null)"
  [ -n "$since" ] || return 0
  kubectl get events -A --field-selector reason=Evicted -o jsonpath='{range .items[*]}{.metadata.namespace}/{.involvedObject.name} {.lastTimestamp}{"\n"}{end}' \
    | awk -v ns="$ns" -v since="$since" '$2 >= since && index($1, ns "/") != 1 { print $1 }'
}

# settle_on_eviction CONSUMER VICTIMS: waits until the kubelet evicted the consumer's pod (at most
# 180 s), ending the window early when it evicts pods of other runs.
settle_on_eviction() {
  local consumer="$1" victims="$2" deadline=$((SECONDS + 180)) foreign
  until evicted_in "$consumer"; do
    foreign="$(foreign_evictions)"
    if [ -n "$foreign" ]; then log "the kubelet evicted pods of other runs ($foreign): ending the window"; restore_kubelet; return 1; fi
    [ "$SECONDS" -lt "$deadline" ] || { log "no eviction of $consumer within 180 s"; restore_kubelet; return 1; }
    sleep 1
  done
  log "the kubelet evicted $ns/$consumer ($victims evicted first: $(evicted_in "$victims" && echo yes || echo no))"
  sleep 5
}

pressure_cleanup() {
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

# The script's entry: `restore` (the watchdog), or the incident's steps with cleanup on any exit.
pressure_incident() {
  case "${1:-all}" in
    restore) restore_kubelet;;
    all) trap cleanup EXIT; prepare; provoke; settle;;
    *) run_incident "$@";;
  esac
}
