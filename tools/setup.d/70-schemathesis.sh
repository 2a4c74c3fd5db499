#!/usr/bin/env bash
# Schemathesis (from PyPI) for the API's property-based test, in a venv under
# tools/.cache/schemathesis-<version> (ignored); skipped when that version is installed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
source "$root/tools/schemathesis/version.sh"
venv="$root/tools/.cache/schemathesis-$SCHEMATHESIS_VERSION"
if [ -f "$venv/.installed" ]; then
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
