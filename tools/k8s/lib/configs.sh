# Configuration files of containerd, CNI, kubelet and kube-proxy, written into the
# cluster's home. Everything they would put on the host by default (CNI config in
# /etc/cni, IPAM state in /var/lib/cni, network namespaces in /var/run/netns, containerd in
# /var/lib/containerd) is pointed into $K8S_HOME instead. Sourced.

write_containerd_config() {
  mkdir -p "$data/containerd" "$run_dir/containerd" "$data/cni/net.d" "$data/cni/ipam"
  cat > "$K8S_HOME/containerd.toml" <<TOML
version = 2
root = "$data/containerd"
state = "$run_dir/containerd"
# Storage drivers that probe or touch host devices are not needed.
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "$run_dir/containerd.sock"
[ttrpc]
  address = "$run_dir/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$data/containerd-opt"

[plugins."io.containerd.grpc.v1.cri"]
  # Built locally (tools/k8s/images): nothing is ever pulled.
  sandbox_image = "tapio.local/pause:$IMAGES_VERSION"
  # These VMs take CAP_SYS_RESOURCE away even from root: without this runc fails every
  # sandbox ("can't get final child's PID from pipe: EOF") on writing oom_score_adj.
  restrict_oom_score_adj = true
  disable_apparmor = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CNI_BIN"
    conf_dir = "$data/cni/net.d"
    max_conf_num = 1
TOML
  install_cni_tap
  # One bridge, addresses from host-local, behind tapio-cni-tap: every pod's network set-up
  # and tear-down (with its result or error) is appended to $CNI_SPOOL for Tapio's CNI
  # collector, as on a node where the agent installed it. No IP masquerade: pod traffic has
  # nowhere to go but this machine (the firewall chain drops anything forwarded off the bridge).
  cat > "$data/cni/net.d/10-tapio.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "tapio-local",
  "plugins": [
    {
      "type": "tapio-cni-tap",
      "spool": "$CNI_SPOOL",
      "delegate": {
        "type": "bridge",
        "bridge": "$BRIDGE",
        "isGateway": true,
        "ipMasq": false,
        "hairpinMode": true,
        "ipam": {
          "type": "host-local",
          "dataDir": "$data/cni/ipam",
          "ranges": [[{ "subnet": "$NODE_POD_CIDR" }]],
          "routes": [{ "dst": "0.0.0.0/0" }]
        }
      }
    }
  ]
}
JSON
}

# The cluster's CNI bin folder: Debian's plugins (links) plus a copy of tapio-cni-tap
# (libs/collectors/cni/bin) run by this host's node, so the cluster keeps working whichever
# worktree started it and whatever happens to that worktree afterwards.
install_cni_tap() {
  local node plugin
  node="$(command -v node)" || die "node not found: tapio-cni-tap, in front of the bridge plugin, runs on it"
  mkdir -p "$CNI_BIN" "$(dirname "$CNI_SPOOL")"
  for plugin in /usr/lib/cni/*; do ln -sfn "$plugin" "$CNI_BIN/$(basename "$plugin")"; done
  { echo "#!$node"; tail -n +2 "$k8s_tools/../../libs/collectors/cni/bin/tapio-cni-tap"; } > "$CNI_BIN/tapio-cni-tap"
  chmod 755 "$CNI_BIN/tapio-cni-tap"
  save_state CNI_TAP_SPOOL "$CNI_SPOOL"
}

write_kubelet_config() {
  local eviction_memory="${TAPIO_K8S_EVICTION_MEMORY:-100Mi}"
  mkdir -p "$data/kubelet"
  : > "$K8S_HOME/resolv.conf"
  cat > "$K8S_HOME/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $pki/ca.crt }
authorization: { mode: Webhook }
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$run_dir/containerd.sock
clusterDNS: [$DNS_SERVICE_IP]
clusterDomain: $CLUSTER_DOMAIN
# Pods get the cluster DNS only: no resolver of the host, so no lookup leaves the machine.
resolvConf: $K8S_HOME/resolv.conf
failSwapOn: false
staticPodPath: ""
rotateCertificates: false
serverTLSBootstrap: false
# The images are imported, never pulled: image garbage collection must not delete them.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
# Disk thresholds low (the disk is shared with other work); memory from
# TAPIO_K8S_EVICTION_MEMORY so the memory-pressure incident can raise it.
evictionHard:
  memory.available: "$eviction_memory"
  nodefs.available: "1%"
  nodefs.inodesFree: "1%"
  imagefs.available: "1%"
evictionPressureTransitionPeriod: 30s
YAML
}

write_kube_proxy_config() {
  cat > "$K8S_HOME/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: { kubeconfig: $K8S_HOME/kube-proxy.kubeconfig }
hostnameOverride: $NODE_NAME
mode: iptables
clusterCIDR: $POD_CIDR
healthzBindAddress: 127.0.0.1:$PROXY_HEALTHZ_PORT
metricsBindAddress: 127.0.0.1:$PROXY_METRICS_PORT
# NodePorts on the node address only, never on the host's own interfaces; no
# route_localnet change for localhost NodePorts.
nodePortAddresses: ["$NODE_IP/32"]
iptables: { localhostNodePorts: false }
# Leave the host's conntrack sysctls alone.
conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s }
YAML
}
