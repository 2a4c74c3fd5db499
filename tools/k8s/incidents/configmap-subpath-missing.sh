#!/usr/bin/env bash
# A release mounts one key of the app's ConfigMap as a file (subPath) under a key name the
# ConfigMap does not have (settings.yml; it holds settings.yaml). The kubelet cannot prepare the
# new pod's volume (CreateContainerConfigError / failed to prepare subPath); the old pods keep
# serving and the rollout waits. Truth: root cause Deployment atlas/tiles (its template's mount);
# symptom: the new pod that never starts.
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

stuck() { kubectl -n "$ns" get pods -l app=tiles -o jsonpath='{.items[*].status.containerStatuses[*].state.waiting.reason}' | grep -qE 'CreateContainerConfigError|CreateContainerError|RunContainerError|ContainerCreating'; }

settle() { wait_until 90 "the new tiles pod cannot start" stuck; sleep 60; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
