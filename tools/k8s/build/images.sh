#!/usr/bin/env bash
# Builds the cluster's local images as OCI archives in tools/.cache/images-<version>:
#   pause    the pod sandbox: a static C program (tools/k8s/images/pause.c)
#   busybox  Debian's busybox-static plus helpers (memhog) for the workloads and incidents
#   coredns  the CoreDNS binary built by coredns.sh
# tools/k8s imports them with `ctr -n k8s.io images import`; pods use imagePullPolicy: Never.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/versions.sh"
source "$here/cache-lock.sh"
images="$here/../images"
cache_begin images "$IMAGES_VERSION-coredns-$COREDNS_VERSION" pause.tar busybox.tar coredns.tar || exit 0
[ -x /bin/busybox ] || { echo "the busybox image needs Debian's busybox-static (/bin/busybox)" >&2; exit 1; }
coredns="$cache_root/coredns-$COREDNS_VERSION/bin/coredns"
[ -x "$coredns" ] || { echo "the coredns image needs $coredns (tools/k8s/build/coredns.sh)" >&2; exit 1; }
root="$tmp/root"
fresh_root() { rm -rf "$root"; mkdir -p "$root"/{bin,etc,tmp,proc,sys,dev,run,var/run}; chmod 1777 "$root/tmp"; }

fresh_root
gcc -static -Os -Wall -o "$root/pause" "$images/pause.c"
node "$images/pack-image.mjs" "tapio.local/pause:$IMAGES_VERSION" "$root" "$tmp/pause.tar" '["/pause"]'

fresh_root
cp /bin/busybox "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
gcc -static -Os -Wall -o "$root/bin/memhog" "$images/memhog.c"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' > "$root/etc/group"
node "$images/pack-image.mjs" "tapio.local/busybox:$IMAGES_VERSION" "$root" "$tmp/busybox.tar" '["/bin/sh"]'

fresh_root
cp "$coredns" "$root/coredns"
node "$images/pack-image.mjs" "tapio.local/coredns:$COREDNS_VERSION" "$root" "$tmp/coredns.tar" '["/coredns"]'
rm -rf "$root"
cache_commit
