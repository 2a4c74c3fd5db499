#!/usr/bin/env bash
# Node disk pressure: a release of the archiver (no ephemeral-storage limit) makes it write about
# 2.5 GiB into its container's writable layer; the node's filesystem falls below the kubelet's
# nodefs.available threshold, the node reports DiskPressure (taint node.kubernetes.io/disk-pressure),
# the kubelet reclaims what it can (dead containers, unused images) and evicts by its ranking:
# first the low-priority batch pods ("The node was low on resource: ephemeral-storage. ...
# Container thumbnails was using 40Ki, request is 0"), then the archiver itself ("was using
# 2Gi"). Truth: root cause the writer, Deployment archive/archiver; symptoms: the evicted pods;
# not the node, not the victims.
#
# The node is the whole shared host, so the threshold is raised rather than the disk filled
# (node-pressure.sh): nodefs.available just under what is free at the release.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-archive}"
signal=nodefs.available
incident="$incidents_dir/disk-pressure-eviction.sh"
source "$incidents_dir/node-pressure.sh"

# serve, then write WRITE_MIB to the writable layer RATE MiB a second, then idle.
writer() { echo "mkdir -p /www /var/spool/archive && echo ok > /www/index.html && httpd -p 8080 -h /www && i=0; while [ \$i -lt $1 ]; do dd if=/dev/zero of=/var/spool/archive/part-\$i bs=1M count=$2 2>/dev/null; i=\$((i + $2)); sleep 1; done; exec sleep 86400"; }

prepare() {
  fresh_namespace "$ns"
  low_priority_class
  app "$ns" thumbnails 2 "$SERVE" "" "      priorityClassName: $low"
  # The archiver keeps 32 MiB on the node's disk before the release (the most of the node's
  # ordinary pods); no ephemeral-storage limit or request: nothing bounds it but the node.
  # WRITE_TO=emptydir: its spool is an emptyDir without a sizeLimit, which the kubelet counts in
  # its ranking but not in the eviction message's figures (the writable layer and logs only).
  if [ "${WRITE_TO:-layer}" = emptydir ]; then
    app "$ns" archiver 1 "$(writer 32 32)" "          volumeMounts: [{ name: spool, mountPath: /var/spool/archive }]" "      volumes: [{ name: spool, emptyDir: {} }]"
  else
    app "$ns" archiver 1 "$(writer 32 32)"
  fi
  rolled_out "$ns" thumbnails
  rolled_out "$ns" archiver
}

provoke() {
  local cap
  cap="$(raise_threshold)"
  # The release: the archiver now spools RATE_MIB a second up to the margin plus an overshoot.
  kubectl -n "$ns" patch deployment archiver --type=json -p "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/command/2\",\"value\":$(json_string "$(writer "$cap" "$rate_mib")")}]" >/dev/null
  log "released $ns/archiver: writes ${rate_mib} MiB/s to ${cap} MiB in its ${WRITE_TO:-layer}, no ephemeral-storage limit"
}

settle() { settle_on_eviction archiver thumbnails; }
cleanup() { pressure_cleanup; }

# Run on its own: the kubelet's flags come back whatever step fails.
pressure_incident "$@"
