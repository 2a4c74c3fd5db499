#!/usr/bin/env bash
# A StatefulSet's release sets an environment variable its program rejects at start: the
# rolling update replaces the highest ordinal first and that pod crash-loops; the other keeps
# serving. Truth: root cause StatefulSet queue/broker (env MODE=cluster-v2 added, which the
# program refuses); symptom: broker-1 crash-looping.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-queue}"
BROKER='case "${MODE:-standalone}" in standalone) ;; *) echo "unknown MODE $MODE" >&2; exit 3;; esac; mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www'

prepare() {
  fresh_namespace "$ns"
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: { name: broker, namespace: $ns }
spec: { clusterIP: None, selector: { app: broker }, ports: [{ port: 8080 }] }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: broker, namespace: $ns, labels: { app: broker } }
spec:
  serviceName: broker
  replicas: 2
  selector: { matchLabels: { app: broker } }
  template:
    metadata: { labels: { app: broker } }
    spec:
      terminationGracePeriodSeconds: 2
      containers:
        - name: broker
          image: $IMAGE
          imagePullPolicy: Never
          command: ["/bin/sh", "-c", $(printf '%s' "$BROKER" | node -e 'process.stdout.write(JSON.stringify(require("fs").readFileSync(0, "utf8")))')]
          readinessProbe: { httpGet: { path: /, port: 8080 }, periodSeconds: 2 }
YAML
  kubectl -n "$ns" rollout status statefulset/broker --timeout=150s >/dev/null
}

provoke() {
  kubectl -n "$ns" set env statefulset/broker MODE=cluster-v2 >/dev/null
  log "set MODE=cluster-v2 on StatefulSet $ns/broker (the program rejects it)"
}

settle() { wait_until 150 "a broker pod is crash-looping" pod_in_state "$ns" broker CrashLoopBackOff; sleep 30; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
