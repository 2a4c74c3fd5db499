# Starting the cluster's processes, in dependency order, each waited for. Sourced.

kubectl_admin() { "$(bin_k8s kubectl)" --kubeconfig "$K8S_HOME/admin.kubeconfig" "$@"; }
etcdctl_local() { "$(bin_etcd etcdctl)" --endpoints "http://127.0.0.1:$ETCD_PORT" "$@"; }
ctr_local() { ctr --address "$run_dir/containerd.sock" "$@"; }
crictl_local() { "$(bin_crictl)" --runtime-endpoint "unix://$run_dir/containerd.sock" --timeout 30s "$@"; }

start_etcd() {
  start_process etcd "$(bin_etcd etcd)" --name tapio --data-dir "$data/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "tapio=http://127.0.0.1:$ETCD_PEER_PORT" --log-level warn
  wait_for "etcd on 127.0.0.1:$ETCD_PORT" 60 etcd etcdctl_local endpoint health
}

start_apiserver() {
  start_process kube-apiserver "$(bin_k8s kube-apiserver)" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address "$NODE_IP" --advertise-address "$NODE_IP" --secure-port "$API_PORT" \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --service-account-issuer "https://kubernetes.default.svc.$CLUSTER_DOMAIN" \
    --service-account-key-file "$pki/sa.pub" --service-account-signing-key-file "$pki/sa.key" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
    --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types InternalIP \
    --allow-privileged=true --profiling=false --v=1
  wait_for "kube-apiserver on https://$NODE_IP:$API_PORT" 120 kube-apiserver kubectl_admin get --raw /readyz
}

start_controller_manager() {
  start_process kube-controller-manager "$(bin_k8s kube-controller-manager)" \
    --kubeconfig "$K8S_HOME/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$K8S_HOME/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$K8S_HOME/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$CM_PORT" --leader-elect=false \
    --allocate-node-cidrs=true --cluster-cidr "$POD_CIDR" --node-cidr-mask-size 24 \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --use-service-account-credentials=true --v=1
}

start_scheduler() {
  start_process kube-scheduler "$(bin_k8s kube-scheduler)" \
    --kubeconfig "$K8S_HOME/scheduler.kubeconfig" \
    --authentication-kubeconfig "$K8S_HOME/scheduler.kubeconfig" \
    --authorization-kubeconfig "$K8S_HOME/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$SCHEDULER_PORT" --leader-elect=false --v=1
}

start_containerd() {
  command -v containerd >/dev/null || die "containerd is not installed (tools/setup.d/apt-packages.txt)"
  start_process containerd containerd --config "$K8S_HOME/containerd.toml"
  wait_for "containerd on $run_dir/containerd.sock" 60 containerd ctr_local version
  local image
  for image in pause busybox coredns; do
    ctr_local -n k8s.io images import "$(images_dir)/$image.tar" >/dev/null \
      || die "importing $(images_dir)/$image.tar into containerd failed"
  done
}

# TAPIO_K8S_KUBELET_FLAGS (words, no quoting) are added for this one start only, never saved:
# the memory-pressure incident starts the kubelet with a raised --eviction-hard for its window;
# the next plain `start-kubelet` is back to kubelet.yaml alone.
start_kubelet() {
  local -a extra
  read -r -a extra <<< "${TAPIO_K8S_KUBELET_FLAGS:-}"
  start_process kubelet "$(bin_k8s kubelet)" --config "$K8S_HOME/kubelet.yaml" \
    --kubeconfig "$K8S_HOME/kubelet.kubeconfig" --root-dir "$data/kubelet" --cert-dir "$data/kubelet/pki" \
    --hostname-override "$NODE_NAME" --node-ip "$NODE_IP" --v=1 "${extra[@]}"
}

start_kube_proxy() {
  start_process kube-proxy "$(bin_k8s kube-proxy)" --config "$K8S_HOME/kube-proxy.yaml" --v=1
}

node_ready() { [ "$(kubectl_admin get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]; }

# The cluster's own objects: Tapio's read-only identity (deploy/rbac.yaml) and CoreDNS.
apply_addons() {
  local repo; repo="$(cd "$k8s_tools/../.." && pwd)"
  kubectl_admin apply -f "$repo/deploy/rbac.yaml" >/dev/null
  sed -e "s|@DNS_SERVICE_IP@|$DNS_SERVICE_IP|g" -e "s|@COREDNS_IMAGE@|tapio.local/coredns:$COREDNS_VERSION|g" \
    -e "s|@CLUSTER_DOMAIN@|$CLUSTER_DOMAIN|g" "$k8s_tools/manifests/coredns.yaml" | kubectl_admin apply -f - >/dev/null
}

stop_pods() {
  alive containerd || return 0
  [ -x "$(bin_crictl)" ] || { say "no crictl ($(bin_crictl)): pods are removed without CNI teardown"; return 0; }
  # Through the CRI, so that the CNI plugins release addresses and delete veths and netns.
  crictl_local rmp --all --force >/dev/null 2>&1 || say "crictl rmp failed; removing what is left by hand"
}
