#!/usr/bin/env bash
# Builds Tapio's eBPF objects and the Node-API addon that loads them:
#   1. vmlinux.h from the running kernel's BTF (bpftool),
#   2. CO-RE objects (clang -target bpf), DWARF stripped, BTF kept,
#   3. libbpf skeletons (bpftool gen skeleton),
#   4. the addon (node-gyp, headers from the local Node installation when present).
# Output goes to build/ (git-ignored). Needs: clang, llvm-strip, bpftool, libbpf-dev,
# libelf-dev, zlib1g-dev, g++, make (tools/setup.d/apt-packages.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bpf
btf=${TAPIO_BTF:-/sys/kernel/btf/vmlinux}
mkdir -p "$out"

for tool in clang llvm-strip bpftool; do
  command -v "$tool" >/dev/null || { echo "eBPF build: '$tool' not found (install the packages in tools/setup.d/apt-packages.txt)" >&2; exit 1; }
done
if [ ! -r "$btf" ]; then
  echo "eBPF build: kernel BTF not readable at $btf (a kernel built with CONFIG_DEBUG_INFO_BTF is needed)" >&2
  exit 1
fi

case "$(uname -m)" in
  x86_64) arch=x86 ;;
  aarch64) arch=arm64 ;;
  *) arch=$(uname -m) ;;
esac

# Regenerate vmlinux.h only when the kernel's BTF changed.
btf_sum=$(sha256sum "$btf" | cut -d' ' -f1)
if [ ! -f "$out/vmlinux.h" ] || [ "$(cat "$out/vmlinux.sha256" 2>/dev/null)" != "$btf_sum" ]; then
  bpftool btf dump file "$btf" format c > "$out/vmlinux.h.tmp"
  mv "$out/vmlinux.h.tmp" "$out/vmlinux.h"
  echo "$btf_sum" > "$out/vmlinux.sha256"
fi

for probe in kernel dns; do
  clang -g -O2 -Wall -Werror -target bpf -D__TARGET_ARCH_"$arch" \
    -I "$out" -I bpf -c "bpf/$probe.bpf.c" -o "$out/$probe.bpf.tmp.o"
  llvm-strip -g "$out/$probe.bpf.tmp.o" -o "$out/$probe.bpf.o"
  rm -f "$out/$probe.bpf.tmp.o"
  bpftool gen skeleton "$out/$probe.bpf.o" name "${probe}_bpf" > "$out/$probe.skel.h"
done

gyp_args=(configure build)
if [ -f /usr/include/node/node_api.h ]; then gyp_args+=(--nodedir=/usr); fi
# npm puts its bundled node-gyp on PATH for scripts; outside npm, use that same copy.
if command -v node-gyp >/dev/null; then
  node-gyp "${gyp_args[@]}"
else
  node "$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/node_modules/node-gyp/bin/node-gyp.js" "${gyp_args[@]}"
fi
echo "eBPF build: $(pwd)/build/Release/tapio_ebpf.node"
