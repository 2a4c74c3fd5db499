#!/usr/bin/env bash
# fabric8 Kubernetes mock API server (CRUD mode) for the kubeapi collector's integration
# tests: fetched from Maven Central and compiled into tools/.cache/kube-mock.
set -euo pipefail
cd "$(dirname "$0")/../.."
cache=tools/.cache/kube-mock
stamp="$cache/.built-from"
wanted="$(sha256sum tools/kube-mock/pom.xml tools/kube-mock/src/main/java/dev/tapio/kubemock/*.java | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -d "$cache/lib" ] && [ -d "$cache/target/classes" ]; then
  echo "kube-mock up to date"
  exit 0
fi
command -v mvn >/dev/null || { echo "kube-mock needs Maven (mvn) and a JDK 17+" >&2; exit 1; }
command -v java >/dev/null || { echo "kube-mock needs a JDK 17+ (java)" >&2; exit 1; }
mvn -q -B -f tools/kube-mock/pom.xml package
echo "$wanted" > "$stamp"
echo "kube-mock built in $cache"
