# Sourced by tools/image/*.sh: helpers that lay out a minimal root file system from files
# of this (Debian) host, without a registry or a package download.

# base_rootfs DIR: the folders, users and groups every image needs. uid 10001 "tapio" runs
# the central components; root stays for the node agent, which needs it (see the chart).
base_rootfs() {
  local root="$1"
  rm -rf "$root"
  mkdir -p "$root"/{bin,etc,tmp,proc,sys,dev,run,var/lib,usr/bin,usr/local/bin,lib64,home/tapio}
  chmod 1777 "$root/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\ntapio:x:10001:10001:tapio:/home/tapio:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n' > "$root/etc/passwd"
  printf 'root:x:0:\ntapio:x:10001:\nsystemd-journal:x:101:\nnobody:x:65534:\n' > "$root/etc/group"
  printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
  chown 10001:10001 "$root/home/tapio"
}

# copy_with_libs ROOT FILE...: copies each executable or shared object to the same path
# under ROOT, with every shared library it loads (as ldd resolves them on this host).
copy_with_libs() {
  local root="$1"; shift
  local file lib
  for file in "$@"; do
    [ -e "$file" ] || { echo "tools/image: $file is missing" >&2; return 1; }
    for lib in $(ldd "$file" | awk '/=> \//{print $3} $1 ~ /^\//{print $1}'); do
      [ -e "$root$lib" ] || { mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"; }
    done
  done
}

# image_size FILE: its size in MB, for the build's report.
image_size() { du -m "$1" | cut -f1; }
