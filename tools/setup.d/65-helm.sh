#!/usr/bin/env bash
# helm (the chart in deploy/helm/tapio: lint, template, install on the test cluster), built
# from the Go module proxy and cached in tools/.cache/helm-<version>/helm. Cold: about 7
# minutes on 2 busy cores; cached: nothing. The version is HELM_VERSION in
# tools/go-tools/versions.sh. The stamps are those of helm's Makefile: without them helm
# calls itself v3.19 and assumes Kubernetes v1.20 when it renders offline.
set -euo pipefail
here=$(cd "$(dirname "$0")/../go-tools" && pwd)
source "$here/versions.sh"
source "$here/../k8s/build/versions.sh"
k8s_minor=$(echo "$KUBERNETES_VERSION" | cut -d. -f2)
GO_TOOL_LDFLAGS="-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$k8s_minor -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$k8s_minor" \
  nice -n 10 bash "$here/build-go-tool.sh" helm helm.sh/helm/v3 "$HELM_VERSION" ./cmd/helm
