#!/usr/bin/env bash
# Builds the pinned Kubernetes commands from the Go module proxy with the wrapper module in
# tools/k8s/build/kubernetes (it points k8s.io/kubernetes's staging modules at their
# published releases of the same version) into tools/.cache/kubernetes-<version>/bin.
# Cold: about 11 minutes on 2 cores; Go's module and build caches make later builds quick.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/versions.sh"
source "$here/cache-lock.sh"
commands=(kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy kubectl)
cache_begin kubernetes "$KUBERNETES_VERSION" "${commands[@]/#/bin/}" || exit 0
command -v go >/dev/null || { echo "building Kubernetes needs Go (go) on PATH" >&2; exit 1; }
version="${KUBERNETES_VERSION#v}"
major="${version%%.*}"; rest="${version#*.}"; minor="${rest%%.*}"
# The release's commit time, so that the build date does not change from build to build.
build_date="$(curl -fsS "https://proxy.golang.org/k8s.io/kubernetes/@v/$KUBERNETES_VERSION.info" 2>/dev/null \
  | sed -n 's/.*"Time": *"\([^"]*\)".*/\1/p')"
[ -n "$build_date" ] || build_date="1970-01-01T00:00:00Z"
# Without these the API server's /version and the Node's kubeletVersion say v0.0.0-master.
stamp=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  stamp+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  stamp+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
done
packages=("${commands[@]/#/k8s.io/kubernetes/cmd/}")
echo "building kubernetes $KUBERNETES_VERSION (${commands[*]}); a cold build takes 10+ minutes"
mkdir -p "$tmp/bin"
cd "$here/kubernetes"
CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false" nice -n 10 go build -trimpath \
  -ldflags "-s -w$stamp" -o "$tmp/bin/" "${packages[@]}"
cache_commit
