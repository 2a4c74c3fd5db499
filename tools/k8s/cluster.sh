#!/usr/bin/env bash
# The local single-node Kubernetes cluster of this host (docs/test-cluster.md).
#   up [--lease PID]     start it (or reuse the running one); prints the admin kubeconfig path
#   down [--lease PID] [--force]
#                        stop it and undo every change to the host; with --lease, only drop
#                        that test run's lease and stop when no run holds one any more
#   status               what runs, with PIDs and ports (exit 1 when not running)
#   restart-apiserver    stop and start kube-apiserver (same ports, same etcd)
#   compact-restart-apiserver
#                        compact etcd at its current revision, then restart kube-apiserver:
#                        watches resumed from an older resourceVersion then get a real 410
#   stop-kubelet | start-kubelet
#   env                  shell assignments: KUBECONFIG, TAPIO_KUBECONFIG, ports
# One cluster per host: its home is $TAPIO_K8S_HOME (default /var/tmp/tapio-k8s); every
# command holds $TAPIO_K8S_HOME.lock while it changes something.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$k8s_tools/lib/pki.sh"
source "$k8s_tools/lib/configs.sh"
source "$k8s_tools/lib/host.sh"
source "$k8s_tools/lib/components.sh"
source "$k8s_tools/lib/lifecycle.sh"

command="${1:-}"; shift || true
lease=""; force=0
while [ $# -gt 0 ]; do
  case "$1" in
    --lease) lease="${2:?--lease needs a PID}"; shift 2;;
    --force) force=1; shift;;
    *) die "unknown option $1";;
  esac
done

lock() { mkdir -p "$(dirname "$K8S_LOCK")"; exec 8>"$K8S_LOCK"; flock -w 900 8 || die "waited 15 minutes for $K8S_LOCK"; }

case "$command" in
  up) lock; cluster_up; echo "$K8S_HOME/admin.kubeconfig";;
  down) lock; cluster_down;;
  status) cluster_status;;
  restart-apiserver) lock; require_running; restart_apiserver;;
  compact-restart-apiserver) lock; require_running; compact_etcd; restart_apiserver;;
  stop-kubelet) lock; require_running kubelet; stop_process kubelet;;
  start-kubelet) lock; require_running kubelet; alive kubelet || start_kubelet;;
  env) require_running; print_env;;
  *) sed -n '2,16p' "$0" >&2; exit 2;;
esac
