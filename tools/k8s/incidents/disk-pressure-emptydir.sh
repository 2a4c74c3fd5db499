#!/usr/bin/env bash
# Node disk pressure as in disk-pressure-eviction.sh, the archiver writing its 2.5 GiB into an
# emptyDir volume without a sizeLimit instead of its writable layer: the kubelet ranks pods by
# what they use including their local volumes, but its eviction message counts only the
# containers' writable layers and logs, so the writer is evicted reporting a few KiB, like its
# victims ("Container archiver was using 40Ki"). Truth: still the writer, Deployment
# spool/archiver (its release just before the pressure names it; the figures cannot).
WRITE_TO=emptydir INCIDENT_NS="${INCIDENT_NS:-spool}" exec bash "$(dirname "$0")/disk-pressure-eviction.sh" "$@"
