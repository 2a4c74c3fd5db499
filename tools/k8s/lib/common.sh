# Shared by tools/k8s/cluster.sh and its parts: where the one cluster of this host lives,
# its settings, and process helpers. Sourced, not run.
k8s_tools="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$k8s_tools/build/versions.sh"
repo_cache="$(cd "$k8s_tools/.." && pwd)/.cache"

# One cluster per host (it owns iptables chains, a bridge and the kubepods cgroups), so its
# home is host-wide, not per worktree: every worktree's tests find and share the same one.
K8S_HOME="${TAPIO_K8S_HOME:-/var/tmp/tapio-k8s}"
K8S_LOCK="$K8S_HOME.lock"
state_file="$K8S_HOME/state.env"
pid_dir="$K8S_HOME/pids"
log_dir="$K8S_HOME/logs"
lease_dir="$K8S_HOME/leases"
data="$K8S_HOME/data"
pki="$K8S_HOME/pki"
run_dir="$K8S_HOME/run"
# tapio-cni-tap (in front of the bridge plugin) appends each pod's CNI ADD / DEL here.
CNI_BIN="$data/cni/bin"
CNI_SPOOL="$run_dir/tapio/cni.ndjson"

# Addresses: private ranges that no route of the host uses (checked on start).
NODE_NAME=tapio-node
NODE_IP="${TAPIO_K8S_NODE_IP:-10.213.0.1}"
POD_CIDR=10.244.0.0/16
NODE_POD_CIDR=10.244.0.0/24
SERVICE_CIDR=10.96.0.0/16
KUBERNETES_SERVICE_IP=10.96.0.1
DNS_SERVICE_IP=10.96.0.10
BRIDGE=tapio0
FIREWALL_CHAIN=TAPIO-K8S-EGRESS
CLUSTER_DOMAIN=cluster.local

die() { echo "tools/k8s: $*" >&2; exit 1; }
say() { echo "tools/k8s: $*" >&2; }

# A TCP port nobody listens on right now (the kernel picks it).
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

pid_of() { [ -f "$pid_dir/$1.pid" ] && cat "$pid_dir/$1.pid"; }
alive() { local pid; pid="$(pid_of "$1")" && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

# start NAME COMMAND...: runs it in its own session with its log in logs/NAME.log and its
# PID in pids/NAME.pid (setsid: a Ctrl-C in the caller's terminal does not reach it).
start_process() {
  local name="$1"; shift
  mkdir -p "$pid_dir" "$log_dir"
  # 8>&- 9>&-: the daemons must not inherit (and so hold forever) the cluster and cache locks.
  setsid "$@" >>"$log_dir/$name.log" 2>&1 < /dev/null 8>&- 9>&- &
  echo $! > "$pid_dir/$name.pid"
}

# stop_process NAME [GRACE_SECONDS]: SIGTERM by PID, SIGKILL after the grace period.
stop_process() {
  local name="$1" grace="${2:-20}" pid
  pid="$(pid_of "$name")" || return 0
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    local waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt $((grace * 10)) ]; do sleep 0.1; waited=$((waited + 1)); done
    if kill -0 "$pid" 2>/dev/null; then say "$name ($pid) still running after ${grace}s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$pid_dir/$name.pid"
}

# wait_for DESCRIPTION SECONDS PROCESS COMMAND...: retries COMMAND until it succeeds; fails
# with the process's last log lines if it exits or the time runs out.
wait_for() {
  local what="$1" seconds="$2" process="$3"; shift 3
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ -n "$process" ] && ! alive "$process"; then
      tail -n 30 "$log_dir/$process.log" >&2 || true
      die "$process exited while waiting for $what (log: $log_dir/$process.log)"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      [ -n "$process" ] && tail -n 30 "$log_dir/$process.log" >&2
      die "timed out after ${seconds}s waiting for $what${process:+ (log: $log_dir/$process.log)}"
    fi
    sleep 0.2
  done
}

save_state() { printf '%s=%q\n' "$1" "$2" >> "$state_file"; }
load_state() { [ -f "$state_file" ] && source "$state_file"; }

bin_k8s() { echo "$repo_cache/kubernetes-$KUBERNETES_VERSION/bin/$1"; }
bin_etcd() { echo "$repo_cache/etcd-$ETCD_VERSION/bin/$1"; }
bin_crictl() { echo "$repo_cache/crictl-$CRICTL_VERSION/bin/crictl"; }
images_dir() { echo "$repo_cache/images-$IMAGES_VERSION-coredns-$COREDNS_VERSION"; }
