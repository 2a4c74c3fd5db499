#!/usr/bin/env bash
# Builds the NATS image for the chart's in-cluster JetStream as an OCI archive, without a
# registry: Debian's nats-server (a static Go binary) alone, running as uid 10001. Cached in
# tools/.cache/nats-image-<nats version>-r<recipe>. Prints `image=` and `tar=` on stdout.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
source "$here/versions.sh"
source "$here/rootfs.sh"
source "$repo/tools/k8s/build/cache-lock.sh"

server="$(command -v nats-server || true)"
[ -n "$server" ] || { echo "tools/image: nats-server (Debian package nats-server) is missing" >&2; exit 1; }
nats_version="$("$server" --version | awk '{print $2}')"
image="$NATS_IMAGE_REPO:$nats_version"
if cache_begin nats-image "$nats_version-r$IMAGE_RECIPE" nats.tar >&2; then
  root="$tmp/root"
  base_rootfs "$root"
  install -m 0755 "$server" "$root/usr/local/bin/nats-server"
  copy_with_libs "$root" "$server"
  node "$repo/tools/k8s/images/pack-image.mjs" "$image" "$root" "$tmp/nats.tar" '["/usr/local/bin/nats-server"]' \
    '{"user":"10001:10001","gzip":true,"env":["PATH=/usr/local/bin:/usr/bin:/bin"]}' >&2
  echo "tools/image: nats archive $(image_size "$tmp/nats.tar") MB ($image)" >&2
  rm -rf "$root"
  cache_commit >&2
fi
echo "image=$image"
echo "tar=$cache_root/nats-image-$nats_version-r$IMAGE_RECIPE/nats.tar"
