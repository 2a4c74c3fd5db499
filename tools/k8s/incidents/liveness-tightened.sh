#!/usr/bin/env bash
# A liveness probe is tightened below the app's real response time: the kubelet kills and
# restarts healthy containers. The health endpoint is a CGI script that answers in about 2 s.
# Truth: root cause Deployment billing/invoices (livenessProbe timeoutSeconds 5 -> 1);
# symptom: invoices pods restarting on failed liveness probes.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-billing}"
HEALTHY_APP='mkdir -p /www/cgi-bin && echo ok > /www/index.html && printf "#!/bin/sh\nsleep 2\necho Content-Type: text/plain\necho\necho ok\n" > /www/cgi-bin/health && chmod +x /www/cgi-bin/health && exec httpd -f -p 8080 -h /www'

probe() { printf '          livenessProbe: { httpGet: { path: /cgi-bin/health, port: 8080 }, periodSeconds: 5, timeoutSeconds: %s, failureThreshold: 2 }' "$1"; }

prepare() {
  fresh_namespace "$ns"
  app "$ns" invoices 2 "$HEALTHY_APP" "$(probe 5)"
  rolled_out "$ns" invoices
}

provoke() {
  kubectl -n "$ns" patch deployment invoices --type json \
    -p '[{"op":"replace","path":"/spec/template/spec/containers/0/livenessProbe/timeoutSeconds","value":1}]' >/dev/null
  log "tightened the liveness probe of $ns/invoices to timeoutSeconds: 1"
}

restarted() { kubectl -n "$ns" get pods -l app=invoices -o jsonpath='{.items[*].status.containerStatuses[*].restartCount}' | tr ' ' '\n' | grep -qv '^0$'; }

settle() { wait_until 180 "an invoices container was restarted by its liveness probe" restarted; sleep 20; }

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

run_incident "$@"
