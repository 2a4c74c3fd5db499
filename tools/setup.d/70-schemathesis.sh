#!/usr/bin/env bash
# Schemathesis (from PyPI) for the API's property-based test, in a venv under
# tools/.cache/schemathesis-<version> (ignored); skipped when that version is installed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/tools/schemathesis/version.sh"
# The real path: a worktree's tools/.cache is a link to a shared cache, and a venv's scripts
# name the path it was built at (a venv built through a worktree that was later removed had
# scripts pointing nowhere).
mkdir -p "$root/tools/.cache"
venv="$(cd "$root/tools/.cache" && pwd -P)/schemathesis-$SCHEMATHESIS_VERSION"
if [ -f "$venv/.installed" ] && "$venv/bin/st" --version >/dev/null 2>&1; then
  echo "schemathesis $SCHEMATHESIS_VERSION up to date"
  exit 0
fi
command -v python3 >/dev/null || { echo "schemathesis: python3 is needed" >&2; exit 1; }
# A venv's scripts name its path, so it is built in place; the marker says it is complete.
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
"$venv/bin/st" --version
touch "$venv/.installed"
