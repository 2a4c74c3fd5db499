# Bringing the whole cluster up and down, leases of test runs, status. Sourced.
components=(etcd kube-apiserver kube-controller-manager kube-scheduler containerd kubelet kube-proxy)

# The running cluster's own binaries and versions, whichever worktree asks.
load_cluster_state() {
  load_state || return 1
  repo_cache="$CLUSTER_CACHE"
}

# healthy [COMPONENT_ALLOWED_DOWN]: every process alive (but that one) and the API server ready.
healthy() {
  load_cluster_state || return 1
  [ "${RUNNING:-0}" = 1 ] || return 1
  local name; for name in "${components[@]}"; do [ "$name" = "${1:-}" ] || alive "$name" || return 1; done
  kubectl_admin get --raw /readyz >/dev/null 2>&1
}

require_running() { healthy "${1:-}" || die "the cluster is not running (npm run cluster:up)"; }

check_prerequisites() {
  [ "$(id -u)" -eq 0 ] || die "the cluster needs root (containers, iptables, mounts, cgroups)"
  local missing=() file
  for file in "$(bin_k8s kube-apiserver)" "$(bin_k8s kubelet)" "$(bin_k8s kubectl)" "$(bin_etcd etcd)" "$(bin_crictl)" \
    "$(images_dir)/pause.tar" "$(images_dir)/busybox.tar" "$(images_dir)/coredns.tar"; do
    [ -e "$file" ] || missing+=("$file")
  done
  [ ${#missing[@]} -eq 0 ] || die "not built: ${missing[*]} (run bash tools/setup.d/60-k8s-cluster.sh)"
  for file in containerd ctr runc iptables ip6tables conntrack openssl ip; do
    command -v "$file" >/dev/null || die "$file is not installed (tools/setup.d/apt-packages.txt)"
  done
  [ -x /usr/lib/cni/bridge ] && [ -x /usr/lib/cni/host-local ] && [ -x /usr/lib/cni/loopback ] \
    || die "CNI plugins missing in /usr/lib/cni (Debian containernetworking-plugins)"
  [ -d /sys/fs/cgroup/memory ] || [ -f /sys/fs/cgroup/cgroup.controllers ] || die "no memory cgroup controller on this host"
}

pick_ports() {
  local name
  for name in ETCD_PORT ETCD_PEER_PORT API_PORT CM_PORT SCHEDULER_PORT KUBELET_PORT KUBELET_HEALTHZ_PORT PROXY_HEALTHZ_PORT PROXY_METRICS_PORT; do
    printf -v "$name" '%s' "$(free_port)"
    save_state "$name" "${!name}"
  done
}

# A kubeconfig with a token of Tapio's ServiceAccount (deploy/rbac.yaml): the identity the
# collector runs under in a real cluster.
write_tapio_kubeconfig() {
  local token
  token="$(kubectl_admin -n tapio create token tapio-kubeapi-collector --duration 48h)"
  cat > "$K8S_HOME/tapio.kubeconfig" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
  - name: tapio-local
    cluster:
      server: https://$NODE_IP:$API_PORT
      certificate-authority-data: $(b64 "$pki/ca.crt")
users:
  - name: tapio-kubeapi-collector
    user: { token: $token }
contexts:
  - name: tapio-local
    context: { cluster: tapio-local, user: tapio-kubeapi-collector }
current-context: tapio-local
KUBECONFIG
  chmod 600 "$K8S_HOME/tapio.kubeconfig"
}

add_lease() {
  mkdir -p "$lease_dir"
  if [ -n "$lease" ]; then touch "$lease_dir/$lease"; [ -f "$K8S_HOME/mode" ] || echo auto > "$K8S_HOME/mode"
  else echo manual > "$K8S_HOME/mode"; fi
}

live_leases() {
  local file
  for file in "$lease_dir"/*; do
    [ -e "$file" ] || continue
    if kill -0 "$(basename "$file")" 2>/dev/null; then basename "$file"; else rm -f "$file"; fi
  done
}

cluster_up() {
  if healthy; then add_lease; say "already running (started $STARTED_AT)"; return 0; fi
  if [ -f "$state_file" ] || [ -d "$pid_dir" ]; then say "cleaning up a cluster that is not healthy"; teardown; fi
  check_prerequisites
  local started=$SECONDS
  mkdir -p "$K8S_HOME" "$data" "$run_dir" "$log_dir" "$pid_dir"
  rm -f "$log_dir"/*.log
  : > "$state_file"
  # Anything that fails from here on takes down what was started and restores the host.
  trap 'status=$?; if [ $status -ne 0 ]; then say "start failed; stopping what was started"; teardown; fi' EXIT
  save_state CLUSTER_CACHE "$repo_cache"
  save_state KUBERNETES_VERSION "$KUBERNETES_VERSION"
  save_state ETCD_VERSION "$ETCD_VERSION"
  save_state COREDNS_VERSION "$COREDNS_VERSION"
  save_state CRICTL_VERSION "$CRICTL_VERSION"
  save_state IMAGES_VERSION "$IMAGES_VERSION"
  pick_ports
  make_pki
  write_containerd_config
  write_kubelet_config
  write_kube_proxy_config
  prepare_host
  start_etcd
  start_apiserver
  start_controller_manager
  start_scheduler
  start_containerd
  start_kubelet
  start_kube_proxy
  wait_for "node $NODE_NAME Ready" 120 kubelet node_ready
  apply_addons
  wait_for "CoreDNS available" 120 kubelet kubectl_admin -n kube-system wait --for=condition=Available deployment/coredns --timeout=2s
  write_tapio_kubeconfig
  save_state STARTED_AT "$(date -u +%FT%TZ)"
  save_state RUNNING 1
  trap - EXIT
  add_lease
  say "cluster up in $((SECONDS - started))s: kubectl --kubeconfig $K8S_HOME/admin.kubeconfig get nodes"
}

teardown() {
  load_cluster_state || true
  stop_process kube-proxy
  stop_process kubelet
  stop_pods
  stop_process kube-scheduler
  stop_process kube-controller-manager
  stop_process kube-apiserver 10
  stop_process etcd
  stop_process containerd
  kill_leftover_shims
  kill_pod_processes
  restore_host
  rm -rf "$data" "$run_dir" "$pki" "$pid_dir" "$lease_dir" "$state_file" "$K8S_HOME/mode" "$K8S_HOME"/*.kubeconfig "$K8S_HOME"/*.yaml "$K8S_HOME"/*.toml "$K8S_HOME/resolv.conf"
}

# Processes still in the kubepods cgroups (containers whose shim is gone), by PID.
kill_pod_processes() {
  local procs pid
  for procs in $(find /sys/fs/cgroup/pids/kubepods /sys/fs/cgroup/memory/kubepods -name cgroup.procs 2>/dev/null); do
    while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done < "$procs"
  done
}

cluster_down() {
  mkdir -p "$lease_dir"
  [ -n "$lease" ] && rm -f "$lease_dir/$lease"
  local others; others="$(live_leases | tr '\n' ' ')"
  if [ -n "$others" ] && [ "$force" -ne 1 ]; then
    if [ -n "$lease" ]; then say "left running: still used by test runs $others"; return 0; fi
    die "still used by test runs (PIDs $others); --force stops it anyway"
  fi
  if [ -n "$lease" ] && [ "$(cat "$K8S_HOME/mode" 2>/dev/null)" = manual ]; then
    say "left running: started by cluster:up (npm run cluster:down stops it)"; return 0
  fi
  if [ ! -f "$state_file" ] && [ ! -d "$pid_dir" ]; then say "not running"; return 0; fi
  teardown
  say "cluster stopped and host restored"
}

cluster_status() {
  load_cluster_state || { echo "not running"; return 1; }
  local name; for name in "${components[@]}"; do printf '%-24s %s\n' "$name" "$(alive "$name" && pid_of "$name" || echo stopped)"; done
  printf '%-24s %s\n' api-server "https://$NODE_IP:$API_PORT" kubeconfig "$K8S_HOME/admin.kubeconfig" leases "$(live_leases | tr '\n' ' ')"
  healthy
}

print_env() {
  printf 'KUBECONFIG=%q\nTAPIO_KUBECONFIG=%q\nTAPIO_K8S_API=%q\nTAPIO_K8S_HOME=%q\nTAPIO_K8S_CNI_SPOOL=%q\n' \
    "$K8S_HOME/admin.kubeconfig" "$K8S_HOME/tapio.kubeconfig" "https://$NODE_IP:$API_PORT" "$K8S_HOME" "${CNI_TAP_SPOOL:-}"
}

compact_etcd() {
  local revision
  revision="$(etcdctl_local endpoint status -w fields | awk -F' : ' '/"Revision"/ {print $2; exit}')"
  [ -n "$revision" ] || die "could not read etcd's revision"
  etcdctl_local compact "$revision" >/dev/null
  say "etcd compacted at revision $revision"
}

restart_apiserver() {
  stop_process kube-apiserver 10
  start_apiserver
  say "kube-apiserver restarted"
}
