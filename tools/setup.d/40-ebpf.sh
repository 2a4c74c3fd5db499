#!/usr/bin/env bash
# eBPF probes and their Node-API addon (native/ebpf): vmlinux.h from this kernel's BTF,
# CO-RE objects, libbpf skeletons, node-gyp build. The toolchain comes from
# apt-packages.txt. A machine that cannot build them (not Linux, no kernel BTF) skips
# this step with a note: the kernel and DNS collectors then report what is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "$(uname -s)" != "Linux" ]; then
  echo "eBPF build skipped: not Linux"
  exit 0
fi
if [ ! -r "${TAPIO_BTF:-/sys/kernel/btf/vmlinux}" ]; then
  echo "eBPF build skipped: no kernel BTF at ${TAPIO_BTF:-/sys/kernel/btf/vmlinux} (kernel and DNS collectors will report it)" >&2
  exit 0
fi
bash native/ebpf/scripts/build.sh > native/ebpf/build.log 2>&1 || { tail -40 native/ebpf/build.log >&2; echo "eBPF build failed (full log: native/ebpf/build.log)" >&2; exit 1; }
tail -1 native/ebpf/build.log
