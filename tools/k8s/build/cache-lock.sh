# Sourced by the build scripts: cache_begin NAME VERSION FILE... returns 1 (and prints)
# when tools/.cache/NAME-VERSION already holds every FILE; otherwise it takes a lock that
# other worktrees' set-ups wait on, and sets $dest (final folder) and $tmp (build folder,
# renamed into place by cache_commit). The cache folder is shared by all worktrees.
cache_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/.cache"
cache_has() { local f; for f in "$@"; do [ -e "$dest/$f" ] || return 1; done; }
cache_begin() {
  local name="$1" version="$2"; shift 2
  dest="$cache_root/$name-$version"
  if cache_has "$@"; then echo "$name $version present"; return 1; fi
  mkdir -p "$cache_root"
  exec 9>"$cache_root/$name-$version.lock"
  flock 9
  if cache_has "$@"; then echo "$name $version present"; return 1; fi
  tmp="$dest.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  trap 'rm -rf "$tmp"' EXIT
  build_started=$SECONDS
  return 0
}
cache_commit() {
  rm -rf "$dest"; mv "$tmp" "$dest"
  echo "$(basename "$dest") built in $((SECONDS - build_started)) s: $dest"
}
