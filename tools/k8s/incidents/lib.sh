# Shared by the incident scripts (tools/k8s/incidents/*.sh): kubectl on the running local
# cluster, the app the incidents break, and waits. Sourced. Every incident script defines
#   prepare   make the healthy state (namespace, app), waited for until ready
#   provoke   the change that breaks it (or, for benign ones, the routine work)
#   settle    wait until the symptom shows (or the work is done)
#   cleanup   put the cluster back (delete the namespace, restore what it changed)
# and can be run on its own (`bash NAME.sh`) or recorded (`bash record.sh NAME`).
set -euo pipefail
incidents_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
k8s_home="${TAPIO_K8S_HOME:-/var/tmp/tapio-k8s}"
[ -f "$k8s_home/state.env" ] || { echo "no local cluster is running (npm run cluster:up)" >&2; exit 1; }
# shellcheck disable=SC1091
source <(grep -E '^(CLUSTER_CACHE|KUBERNETES_VERSION|IMAGES_VERSION)=' "$k8s_home/state.env")
KUBECTL="$CLUSTER_CACHE/kubernetes-$KUBERNETES_VERSION/bin/kubectl"
IMAGE="tapio.local/busybox:$IMAGES_VERSION"
kubectl() { "$KUBECTL" --kubeconfig "$k8s_home/admin.kubeconfig" "$@"; }
log() { echo "[$(date -u +%T)] $*" >&2; }

# wait_until SECONDS DESCRIPTION COMMAND...
wait_until() {
  local seconds="$1" what="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || { log "timed out after ${seconds}s waiting for $what"; return 1; }
    sleep 1
  done
  log "$what"
}

# A pod of the app (label app=$2 in namespace $1) whose container is waiting in $3
# (CrashLoopBackOff, ErrImageNeverPull, ...) or was last terminated with reason $3 (OOMKilled).
pod_in_state() {
  kubectl -n "$1" get pods -l "app=$2" -o jsonpath='{range .items[*]}{.status.containerStatuses[*].state.waiting.reason} {.status.containerStatuses[*].lastState.terminated.reason}{"\n"}{end}' | grep -qw "$3"
}

# json_string TEXT: TEXT as a JSON string (a YAML flow scalar any shell script survives).
json_string() { printf '%s' "$1" | node -e 'process.stdout.write(JSON.stringify(require("fs").readFileSync(0, "utf8")))'; }

# busybox_template NAME SCRIPT [EXTRA_CONTAINER_YAML] [EXTRA_POD_YAML]: the pod template every
# workload of these scripts runs (label app=NAME, SCRIPT in busybox, readiness on its httpd at
# 8080), indented for a workload's spec.
busybox_template() {
  local name="$1" script="$2" container_extra="${3:-}" pod_extra="${4:-}"
  cat <<YAML
  template:
    metadata: { labels: { app: $name } }
    spec:
      terminationGracePeriodSeconds: 2
$pod_extra
      containers:
        - name: $name
          image: $IMAGE
          imagePullPolicy: Never
          command: ["/bin/sh", "-c", $(json_string "$script")]
          ports: [{ containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /, port: 8080 }, periodSeconds: 2 }
$container_extra
YAML
}

# app NAMESPACE NAME REPLICAS SCRIPT [EXTRA_CONTAINER_YAML] [EXTRA_POD_YAML]: a Deployment
# running SCRIPT in busybox with an httpd on 8080 for its Service, and that Service.
app() {
  local ns="$1" name="$2" replicas="$3" script="$4" container_extra="${5:-}" pod_extra="${6:-}"
  kubectl apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: { name: $name, namespace: $ns, labels: { app: $name } }
spec:
  replicas: $replicas
  selector: { matchLabels: { app: $name } }
$(busybox_template "$name" "$script" "$container_extra" "$pod_extra")
---
apiVersion: v1
kind: Service
metadata: { name: $name, namespace: $ns }
spec: { selector: { app: $name }, ports: [{ port: 80, targetPort: 8080 }] }
YAML
}

# statefulset NAMESPACE NAME REPLICAS SCRIPT [EXTRA_CONTAINER_YAML]: a StatefulSet running SCRIPT
# in busybox with its readiness on an httpd at 8080, and its headless Service; waited for.
statefulset() {
  local ns="$1" name="$2" replicas="$3" script="$4" container_extra="${5:-}"
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Service
metadata: { name: $name, namespace: $ns }
spec: { clusterIP: None, selector: { app: $name }, ports: [{ port: 8080 }] }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: $name, namespace: $ns, labels: { app: $name } }
spec:
  serviceName: $name
  replicas: $replicas
  selector: { matchLabels: { app: $name } }
$(busybox_template "$name" "$script" "$container_extra")
YAML
  kubectl -n "$ns" rollout status "statefulset/$name" --timeout=150s >/dev/null
}

# daemonset NAMESPACE NAME SCRIPT: a DaemonSet running SCRIPT in busybox with its readiness on an
# httpd at 8080 (its image as the other apps'); waited for.
daemonset() {
  local ns="$1" name="$2" script="$3"
  kubectl apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: $name, namespace: $ns, labels: { app: $name } }
spec:
  selector: { matchLabels: { app: $name } }
$(busybox_template "$name" "$script")
YAML
  kubectl -n "$ns" rollout status "daemonset/$name" --timeout=120s >/dev/null
}

# The httpd every app serves its readiness on.
SERVE='mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www'

namespace_gone() { ! kubectl get namespace "$1" >/dev/null 2>&1; }
fresh_namespace() {
  kubectl delete namespace "$1" --ignore-not-found --wait=false >/dev/null
  wait_until 180 "namespace $1 gone" namespace_gone "$1" >/dev/null 2>&1 || { log "namespace $1 is still terminating"; return 1; }
  kubectl create namespace "$1" >/dev/null
}

rolled_out() { kubectl -n "$1" rollout status "deployment/$2" --timeout=120s >/dev/null; }

# autoscaler NAMESPACE DEPLOYMENT MIN MAX: a HorizontalPodAutoscaler of the Deployment, on CPU at
# 80% (this cluster has no metrics server: the autoscaler still holds the replicas within its bounds).
autoscaler() {
  kubectl apply -f - >/dev/null <<YAML
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: $2, namespace: $1 }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: $2 }
  minReplicas: $3
  maxReplicas: $4
  metrics: [{ type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 80 } } }]
YAML
}

# free_cpu NODE: CPU millicores the node can still place: allocatable less every running pod's requests, less a margin of 100m.
free_cpu() {
  local allocatable requested
  allocatable=$(kubectl get node "$1" -o jsonpath='{.status.allocatable.cpu}')
  case "$allocatable" in *m) allocatable=${allocatable%m};; *) allocatable=$((allocatable * 1000));; esac
  requested=$(kubectl get pods -A --field-selector "spec.nodeName=$1,status.phase!=Succeeded,status.phase!=Failed" -o jsonpath='{range .items[*]}{range .spec.containers[*]}{.resources.requests.cpu}{"\n"}{end}{end}' \
    | awk '/m$/ { sub(/m$/, ""); total += $1; next } /./ { total += $1 * 1000 } END { print total + 0 }')
  echo $((allocatable - requested - 100))
}

# event_seen NAMESPACE REASON TEXT: an Event of that reason in the namespace whose message contains TEXT.
event_seen() { kubectl -n "$1" get events --field-selector "reason=$2" -o jsonpath='{.items[*].message}' | grep -qF -- "$3"; }

# probe_calls NAMESPACE DEPLOYMENT URL: the Deployment's readiness fetches URL (every 3 s, unready after two misses).
probe_calls() {
  kubectl -n "$1" patch deployment "$2" --type json -p "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/readinessProbe\",\"value\":{\"exec\":{\"command\":[\"/bin/sh\",\"-c\",\"timeout 2 wget -q -O - $3 >/dev/null\"]},\"periodSeconds\":3,\"failureThreshold\":2}}]" >/dev/null
}

run_incident() {
  case "${1:-all}" in
    prepare) prepare;;
    provoke) provoke;;
    settle) settle;;
    cleanup) cleanup;;
    all) prepare; provoke; settle; cleanup;;
    *) echo "usage: $0 [prepare|provoke|settle|cleanup|all]" >&2; exit 2;;
  esac
}

# admission_webhook KIND NAME WEBHOOK PATH NAMESPACE SERVICE_NAMESPACE [FAILURE_POLICY]: a
# ValidatingWebhookConfiguration or MutatingWebhookConfiguration (KIND) NAME whose one webhook
# WEBHOOK (failurePolicy Fail unless given) every pod created in NAMESPACE must pass, calling
# Service SERVICE_NAMESPACE/NAME on 443 at PATH (a policy engine's or sidecar injector's webhook).
admission_webhook() {
  local kind="$1" name="$2" webhook="$3" path="$4" ns="$5" service_ns="$6" failure_policy="${7:-Fail}"
  kubectl apply -f - >/dev/null <<YAML
apiVersion: admissionregistration.k8s.io/v1
kind: $kind
metadata: { name: $name }
webhooks:
  - name: $webhook
    admissionReviewVersions: [v1]
    sideEffects: None
    failurePolicy: $failure_policy
    timeoutSeconds: 5
    namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: $ns } }
    rules: [{ apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods] }]
    clientConfig: { service: { name: $name, namespace: $service_ns, path: $path, port: 443 } }
YAML
}

# policy_webhook NAME NAMESPACE SERVICE_NAMESPACE [FAILURE_POLICY]: the policy engine's
# ValidatingWebhookConfiguration (webhook gate.policy.example.com at /validate).
policy_webhook() { admission_webhook ValidatingWebhookConfiguration "$1" gate.policy.example.com /validate "$2" "$3" "${4:-Fail}"; }

# webhook_backend NAMESPACE NAME: a one-replica Deployment whose Service listens on 443 (as
# webhooks require) and answers on the pods' 8080; waited for.
webhook_backend() {
  app "$1" "$2" 1 "$SERVE"
  kubectl -n "$1" patch service "$2" --type json -p '[{"op":"replace","path":"/spec/ports/0/port","value":443}]' >/dev/null
  rolled_out "$1" "$2"
}
