#!/usr/bin/env bash
# Debian packages Tapio and its tests need; the list is tools/setup.d/apt-packages.txt.
set -euo pipefail
cd "$(dirname "$0")"
mapfile -t wanted < <(grep -v -E '^\s*(#|$)' apt-packages.txt)
missing=()
for package in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then echo "system packages present"; exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]} (run this setup as root, or install them)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
