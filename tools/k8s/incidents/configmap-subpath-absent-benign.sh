#!/usr/bin/env bash
# Benign, though it looks like a mistake: a release mounts one key of the app's ConfigMap as a
# file (subPath) under a key name the ConfigMap does not have (settings.yml; it holds
# settings.yaml). Kubernetes does not refuse it: the kubelet puts an empty directory where the
# file would be, the app (which does not read it) starts, and the rollout completes. Nothing
# fails, so there is nothing to report (a program that read the file would crash, and that crash
# would be the release's).
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-atlas}"

prepare() {
  fresh_namespace "$ns"
  kubectl -n "$ns" create configmap tiles-config --from-literal=settings.yaml='zoom: 12' >/dev/null
  app "$ns" tiles 2 "$SERVE" "" "      volumes: [{ name: config, configMap: { name: tiles-config } }]"
  rolled_out "$ns" tiles
}

provoke() {
  kubectl -n "$ns" patch deployment tiles --type json -p '[{"op":"add","path":"/spec/template/spec/containers/0/volumeMounts","value":[{"name":"config","mountPath":"/etc/tiles/settings.yml","subPath":"settings.yml"}]}]' >/dev/null
  log "mounted key settings.yml of ConfigMap $ns/tiles-config (it holds settings.yaml) into $ns/tiles"
}

settle() { rolled_out "$ns" tiles; log "the rollout completed"; sleep 60; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
