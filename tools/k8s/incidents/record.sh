#!/usr/bin/env bash
# Records one incident on the local cluster with `tapio record`, under Tapio's own identity
# (deploy/rbac.yaml), while the background workloads run:
#   bash tools/k8s/incidents/record.sh NAME [OUT.ndjson]
#   NODE_COLLECTORS=1 ...: with the node agent's collectors too (kubelet, CRI, CNI, etcd, journal)
# prepares the healthy state, starts recording (the starting state), lets ordinary work run
# for LEAD seconds, provokes NAME, waits for the symptom, records TAIL more seconds, stops
# the recorder (SIGINT, by PID) and cleans up. Default output:
# examples/recordings/real/NAME.ndjson (its answer, NAME.expected.json, is written by hand).
# Hold a lease of our own for the whole recording: a test run that drops the last lease
# would otherwise stop the cluster under the recorder (it happened: "timed out waiting").
bash "$(dirname "$0")/../cluster.sh" up --lease $$ >/dev/null
source "$(dirname "$0")/lib.sh"
name="${1:?usage: record.sh NAME [OUT.ndjson]}"
script="$incidents_dir/$name.sh"
[ -f "$script" ] || { echo "no incident script $script" >&2; exit 2; }
repo="$(cd "$incidents_dir/../../.." && pwd)"
out="${2:-$repo/examples/recordings/real/$name.ndjson}"
lead="${LEAD:-20}" tail="${TAIL:-30}"
work="$(mktemp -d)"
recorder=""
finish() {
  [ -n "$recorder" ] && kill -INT "$recorder" 2>/dev/null && wait "$recorder" 2>/dev/null || true
  bash "$script" cleanup || true
  [ -n "$journald" ] && kill -TERM "$journald" 2>/dev/null && wait "$journald" 2>/dev/null || true
  rm -rf "$work"
  bash "$incidents_dir/../cluster.sh" down --lease $$ >/dev/null 2>&1 || true
}
trap finish EXIT

# NAMESPACES="a b": record only these namespaces (plus cluster-scoped objects such as Nodes),
# for a cluster other test runs keep busy; then QUIET_WAIT=0 records without waiting for quiet.
namespaces_yaml=""
if [ -n "${NAMESPACES:-}" ]; then
  namespaces_yaml="    namespaces: { include: [$(echo "$NAMESPACES" | xargs | sed 's/ /, /g')] }"
fi
cat > "$work/tapio.yaml" <<YAML
cluster: local
log: { level: warn }
collectors:
  kubeapi:
    kubeconfig: $k8s_home/tapio.kubeconfig
$namespaces_yaml
YAML
# NODE_COLLECTORS=1: the node agent's collectors record beside kubeapi, on the cluster's own
# components: the kubelet (with the node agent's ServiceAccount token), containerd (CRI), the
# CNI spool tapio-cni-tap writes, etcd, and a standalone journald reading the kernel log (this
# host's PID 1 is not systemd: the journal holds the kernel's messages, OOM kills included).
journald=""
if [ "${NODE_COLLECTORS:-0}" = 1 ]; then
  source "$k8s_home/state.env"
  [ -n "${CNI_TAP_SPOOL:-}" ] || { echo "the running cluster has no tapio-cni-tap (started by an older checkout): cluster:down, then up" >&2; exit 1; }
  kubectl apply -f "$repo/deploy/rbac-node-agent.yaml" >/dev/null
  kubectl -n tapio create token tapio-node-agent --duration=2h > "$work/node-agent.token"
  # The CNI collector starts at the spool's end: earlier pods' lines are not this recording's.
  touch "$CNI_TAP_SPOOL"; stat -c %s "$CNI_TAP_SPOOL" > "$work/cni.offset"
  node "$repo/tools/journald/run-standalone.mjs" > "$work/journald.env" &
  journald=$!
  wait_until 30 "standalone journald up" grep -q JOURNALD_SOCKET "$work/journald.env"
  source "$work/journald.env"
  cat >> "$work/tapio.yaml" <<YAML
  kubelet:
    endpoint: https://${TAPIO_K8S_NODE_IP:-10.213.0.1}:$KUBELET_PORT
    nodeName: tapio-node
    auth: { tokenFile: $work/node-agent.token }
    tls: { ca: $k8s_home/data/kubelet/pki/kubelet.crt, serverName: tapio-node }
  cri:
    nodeName: tapio-node
    address: $k8s_home/run/containerd.sock
  cni:
    nodeName: tapio-node
    spool: $CNI_TAP_SPOOL
    offsetFile: $work/cni.offset
  etcd:
    nodeName: tapio-node
    endpoints: [http://127.0.0.1:$ETCD_PORT]
  journal:
    nodeName: tapio-node
    directory: $JOURNAL_DIR
    journaldSocket: $JOURNALD_SOCKET
    cursorFile: $work/journal.cursor
YAML
fi

# Test runs hold leases on the shared cluster while they use it; what they do would end up in
# the recording (a restarted API server, their own broken pods). Record on a quiet cluster.
quiet() { [ -z "$(ls "$k8s_home/leases" 2>/dev/null | grep -vx "$$")" ]; }
if [ "${QUIET_WAIT:-900}" -gt 0 ]; then
  wait_until "${QUIET_WAIT:-900}" "no test run is using the cluster" quiet || { echo "the cluster stayed busy; not recording" >&2; exit 1; }
fi
bash "$incidents_dir/background.sh" up
bash "$script" prepare
mkdir -p "$(dirname "$out")"
"$repo/bin/tapio" record -config "$work/tapio.yaml" -output "$work/recording.ndjson" &
recorder=$!
wait_until 60 "recording started" test -s "$work/recording.ndjson"
sleep "$lead"
bash "$script" provoke
bash "$script" settle
sleep "$tail"
kill -INT "$recorder"
wait "$recorder" || { echo "tapio record failed" >&2; exit 1; }
recorder=""
quiet || log "warning: a test run joined the cluster during the recording ($(ls "$k8s_home/leases" | grep -vx "$$" | tr '\n' ' ')); check the recording for its activity"
mv "$work/recording.ndjson" "$out"
log "recorded $(wc -l < "$out") lines into $out"
