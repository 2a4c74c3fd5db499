# What the cluster changes on the host, and how each change is undone: the node address
# on lo, sysctls (saved and restored), the egress firewall chain, kube-proxy's and the
# kubelet's iptables chains, the pod bridge, mounts under the cluster's home, the kubepods
# cgroups. Sourced.

# Set by the kubelet (kernel tunables), the bridge plugin (forwarding) and needed for
# Service traffic between pods on one bridge (bridge-nf-call-iptables).
saved_sysctls=(net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables
  vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys
  kernel.keys.root_maxbytes net.ipv4.conf.all.route_localnet)

save_sysctls() {
  local file="$K8S_HOME/sysctls.saved" key
  [ -f "$file" ] && return 0
  for key in "${saved_sysctls[@]}"; do
    [ -e "/proc/sys/${key//.//}" ] && echo "$key=$(cat "/proc/sys/${key//.//}")"
  done > "$file"
}

restore_sysctls() {
  local file="$K8S_HOME/sysctls.saved" line
  [ -f "$file" ] || return 0
  while IFS= read -r line; do
    echo "${line#*=}" > "/proc/sys/$(echo "${line%%=*}" | tr . /)" 2>/dev/null || say "could not restore $line"
  done < "$file"
  rm -f "$file"
}

# The cluster's private ranges must not be reachable through anything but the default
# route (a host that uses them already would be disturbed).
check_ranges_free() {
  local default_dev address dev
  default_dev="$(ip -4 route show default | awk '{for (i=1;i<NF;i++) if ($i=="dev") print $(i+1); exit}')"
  for address in "$NODE_IP" 10.244.0.1 "$KUBERNETES_SERVICE_IP"; do
    dev="$(ip -4 route get "$address" 2>/dev/null | awk '{for (i=1;i<NF;i++) if ($i=="dev") print $(i+1); exit}')"
    case "$dev" in ""|lo|"$BRIDGE"|"$default_dev") ;; *) die "$address is routed through $dev on this host; the cluster's ranges would collide (set TAPIO_K8S_NODE_IP or free the range)";; esac
  done
}

prepare_host() {
  check_ranges_free
  # Saved once br_netfilter is loaded: its bridge-nf-call-* keys exist only then, and a key
  # missing from the saved file is never restored.
  [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ] || modprobe br_netfilter 2>/dev/null || true
  save_sysctls
  ip addr show dev lo | grep -q " $NODE_IP/32 " || ip addr add "$NODE_IP/32" dev lo
  echo 1 > /proc/sys/net/ipv4/ip_forward
  [ -e /proc/sys/net/bridge/bridge-nf-call-iptables ] || die "bridge netfilter (br_netfilter) is not available: Service traffic between pods would bypass kube-proxy"
  echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables
  # Pod traffic stays on this machine: whatever would be forwarded off the pod bridge is dropped.
  local cmd
  for cmd in iptables ip6tables; do
    $cmd -w -N "$FIREWALL_CHAIN" 2>/dev/null || $cmd -w -F "$FIREWALL_CHAIN"
    $cmd -w -A "$FIREWALL_CHAIN" -i "$BRIDGE" ! -o "$BRIDGE" -j DROP
    $cmd -w -C FORWARD -j "$FIREWALL_CHAIN" 2>/dev/null || $cmd -w -I FORWARD 1 -j "$FIREWALL_CHAIN"
  done
}

# Removes every chain named KUBE-* or TAPIO-K8S-* (and the rules jumping to them) from the
# filter, nat and mangle tables: kube-proxy's, the kubelet's and ours. Only one cluster runs
# per host and nothing else on these machines uses the KUBE- prefix.
clean_iptables() {
  local cmd table rule chain
  for cmd in iptables ip6tables; do
    command -v "$cmd" >/dev/null || continue
    for table in filter nat mangle; do
      { $cmd -w -t "$table" -S 2>/dev/null || true; } | { grep -E '^-A [A-Z]+ .*-j (KUBE-|TAPIO-K8S-)' || true; } \
        | { grep -vE '^-A (KUBE-|TAPIO-K8S-)' || true; } \
        | while IFS= read -r rule; do eval "$cmd -w -t $table -D ${rule#-A }" 2>/dev/null || true; done
      for chain in $($cmd -w -t "$table" -S 2>/dev/null | awk '$1=="-N" && ($2 ~ /^KUBE-/ || $2 ~ /^TAPIO-K8S-/) {print $2}'); do
        $cmd -w -t "$table" -F "$chain" 2>/dev/null || true
      done
      for chain in $($cmd -w -t "$table" -S 2>/dev/null | awk '$1=="-N" && ($2 ~ /^KUBE-/ || $2 ~ /^TAPIO-K8S-/) {print $2}'); do
        $cmd -w -t "$table" -X "$chain" 2>/dev/null || say "could not delete $cmd $table chain $chain"
      done
    done
  done
}

# Unmounts everything below the cluster's home (pod volumes, container root file systems,
# sandbox shm, network namespaces), deepest first.
unmount_all() {
  local mount
  for _ in 1 2 3; do
    mapfile -t mounts < <(awk -v home="$K8S_HOME/" 'index($5, home) == 1 {print $5}' /proc/self/mountinfo | sort -r)
    [ ${#mounts[@]} -eq 0 ] && return 0
    for mount in "${mounts[@]}"; do umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null || true; done
  done
}

# Removes the kubepods cgroup trees (cgroupfs driver, cgroup v1: one per controller),
# deepest first; their processes are gone by now.
remove_cgroups() {
  local root dir
  for root in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
    [ -d "$root" ] || continue
    find "$root" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    [ -d "$root" ] && say "cgroup $root still in use"
  done
}

# Container shims outlive containerd; ours are the ones started with our socket address.
kill_leftover_shims() {
  local cmdline pid
  for cmdline in /proc/[0-9]*/cmdline; do
    pid="${cmdline#/proc/}"; pid="${pid%/cmdline}"
    tr '\0' ' ' 2>/dev/null < "$cmdline" | grep -q "containerd-shim.* -address $run_dir/containerd.sock" || continue
    kill -KILL "$pid" 2>/dev/null || true
  done
}

restore_host() {
  clean_iptables
  ip link show "$BRIDGE" >/dev/null 2>&1 && ip link del "$BRIDGE"
  ip addr show dev lo | grep -q " $NODE_IP/32 " && ip addr del "$NODE_IP/32" dev lo
  unmount_all
  remove_cgroups
  restore_sysctls
}
