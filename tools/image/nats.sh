#!/usr/bin/env bash
# Builds the NATS image for the chart's in-cluster JetStream as an OCI archive, without a
# registry: the nats-server that tools/setup.d/60-go-tools.sh builds from its Go module
# (NATS_SERVER_VERSION in tools/go-tools/versions.sh: 2.10+ is needed for the chart's
# `sync_interval`; Debian bookworm's 2.9.10 has none), a static binary alone, running as uid
# 10001. The image is tagged with that version. Cached in
# tools/.cache/nats-image-<nats version>-r<recipe>. Prints `image=` and `tar=` on stdout.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
source "$here/versions.sh"
source "$here/rootfs.sh"
source "$repo/tools/k8s/build/cache-lock.sh"

source "$repo/tools/go-tools/versions.sh"
server="$repo/tools/.cache/nats-server-$NATS_SERVER_VERSION/nats-server"
[ -x "$server" ] || { echo "tools/image: $server is missing: run bash tools/setup.d/60-go-tools.sh (it builds nats-server $NATS_SERVER_VERSION from the Go module proxy)" >&2; exit 1; }
nats_version="$("$server" --version | awk '{print $2}')"
[ "$nats_version" = "$NATS_SERVER_VERSION" ] || { echo "tools/image: $server says it is $nats_version, not $NATS_SERVER_VERSION" >&2; exit 1; }
image="$NATS_IMAGE_REPO:$nats_version"
if cache_begin nats-image "$nats_version-r$IMAGE_RECIPE" nats.tar >&2; then
  root="$tmp/root"
  base_rootfs "$root"
  # Built with CGO_ENABLED=0: a static binary, no shared library to copy.
  install -m 0755 "$server" "$root/usr/local/bin/nats-server"
  node "$repo/tools/k8s/images/pack-image.mjs" "$image" "$root" "$tmp/nats.tar" '["/usr/local/bin/nats-server"]' \
    '{"user":"10001:10001","gzip":true,"env":["PATH=/usr/local/bin:/usr/bin:/bin"]}' >&2
  echo "tools/image: nats archive $(image_size "$tmp/nats.tar") MB ($image)" >&2
  rm -rf "$root"
  cache_commit >&2
fi
echo "image=$image"
echo "tar=$cache_root/nats-image-$nats_version-r$IMAGE_RECIPE/nats.tar"
