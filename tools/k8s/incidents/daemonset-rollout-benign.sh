#!/usr/bin/env bash
# Benign: a routine release of a DaemonSet (a new environment variable). Its rolling update
# takes the node's pod down first (maxUnavailable 1) and starts the new one, which serves a
# few seconds later. Nothing is broken: no loud incident.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-logging}"

prepare() {
  fresh_namespace "$ns"
  kubectl apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: log-agent, namespace: $ns, labels: { app: log-agent } }
spec:
  selector: { matchLabels: { app: log-agent } }
  template:
    metadata: { labels: { app: log-agent } }
    spec:
      terminationGracePeriodSeconds: 2
      containers:
        - name: log-agent
          image: $IMAGE
          imagePullPolicy: Never
          command: ["/bin/sh", "-c", "$SERVE"]
          readinessProbe: { httpGet: { path: /, port: 8080 }, periodSeconds: 2 }
YAML
  kubectl -n "$ns" rollout status daemonset/log-agent --timeout=120s >/dev/null
}

provoke() {
  kubectl -n "$ns" set env daemonset/log-agent FLUSH_SECONDS=5 >/dev/null
  log "set FLUSH_SECONDS=5 on DaemonSet $ns/log-agent (a routine release)"
}

settle() {
  kubectl -n "$ns" rollout status daemonset/log-agent --timeout=120s >/dev/null
  log "the rolling update finished"
  sleep 30
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
