#!/usr/bin/env bash
# Node memory pressure: a release of the renderer (no memory limit, no request) makes it grow
# by about 2.5 GiB; the node falls below the kubelet's memory.available threshold, the node
# reports MemoryPressure (taint node.kubernetes.io/memory-pressure) and the kubelet evicts:
# first the low-priority batch pods (Evicted, "Container thumbnails was using 2Mi, request is
# 0"), then the renderer itself ("was using 2.4Gi"). Truth: root cause the consumer that grew,
# Deployment reports/renderer; symptoms: the evicted pods; not the node, not the victims.
#
# The node is the whole shared host (24 GiB), so the threshold is raised rather than the host
# starved (node-pressure.sh): memory.available just under what is available at the release.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-reports}"
signal=memory.available
incident="$incidents_dir/memory-pressure-eviction.sh"
source "$incidents_dir/node-pressure.sh"

prepare() {
  fresh_namespace "$ns"
  low_priority_class
  app "$ns" thumbnails 2 "$SERVE" "" "      priorityClassName: $low"
  # The renderer holds 64 MiB before the release (the largest of the node's ordinary pods);
  # no memory limit, no request: nothing bounds it but the node.
  app "$ns" renderer 1 "mkdir -p /www && echo ok > /www/index.html && httpd -p 8080 -h /www && exec memhog 64"
  rolled_out "$ns" thumbnails
  rolled_out "$ns" renderer
}

provoke() {
  local cap
  cap="$(raise_threshold)"
  # The release: the renderer now grows by RATE_MIB a second to the margin plus an overshoot.
  kubectl -n "$ns" patch deployment renderer --type=json -p "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/command/2\",\"value\":\"mkdir -p /www && echo ok > /www/index.html && httpd -p 8080 -h /www && exec memhog $cap $rate_mib\"}]" >/dev/null
  log "released $ns/renderer: grows ${rate_mib} MiB/s to ${cap} MiB, no memory limit"
}

settle() { settle_on_eviction renderer thumbnails; }
cleanup() { pressure_cleanup; }

# Run on its own: the kubelet's flags come back whatever step fails.
pressure_incident "$@"
