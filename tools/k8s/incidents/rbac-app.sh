# Shared by the RBAC incidents (rbac-role-narrowed.sh, rbac-binding-deleted.sh,
# rbac-unused-rule-removed-benign.sh): an app that calls the Kubernetes API as its own
# ServiceAccount, granted by a Role and a RoleBinding of the same name. Sourced after lib.sh.

# The Role's rules: read configmaps (what the app uses) and get leases (what it does not).
RULE_CONFIGMAPS_READ='  - { apiGroups: [""], resources: [configmaps], verbs: [get, list, watch] }'
RULE_CONFIGMAPS_GET='  - { apiGroups: [""], resources: [configmaps], verbs: [get] }'
RULE_LEASES_GET='  - { apiGroups: [coordination.k8s.io], resources: [leases], verbs: [get] }'

# rbac_role NAMESPACE NAME RULE...: Role NAME with these rules (kubectl apply: created or replaced).
rbac_role() {
  local ns="$1" name="$2"; shift 2
  kubectl apply -f - >/dev/null <<YAML
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: $name, namespace: $ns }
rules:
$(printf '%s\n' "$@")
YAML
}

# rbac_app_script NAME: the container's program. It lists the namespace's configmaps through the
# API with its ServiceAccount token (re-read each time: it is rotated), then serves its
# readiness; it lists them again every 3 s and exits 1 when a call fails, saying why.
rbac_app_script() {
  local name="$1"
  cat <<SH
sa=/var/run/secrets/kubernetes.io/serviceaccount
api="https://\$KUBERNETES_SERVICE_HOST:\$KUBERNETES_SERVICE_PORT/api/v1/namespaces/\$(cat \$sa/namespace)/configmaps"
check() {
  if err=\$(timeout 5 wget -q -O /dev/null --no-check-certificate --header "Authorization: Bearer \$(cat \$sa/token)" "\$api" 2>&1); then return 0; fi
  case "\$err" in
    *403*) echo "$name: listing configmaps refused (403 Forbidden): \$err" >&2;;
    *) echo "$name: listing configmaps failed: \$err" >&2;;
  esac
  exit 1
}
check
echo "$name: listed configmaps, serving"
mkdir -p /www && echo ok > /www/index.html && httpd -p 8080 -h /www
while true; do sleep 3; check; done
SH
}

# rbac_app NAMESPACE NAME REPLICAS: ServiceAccount, Role (configmaps read, leases get),
# RoleBinding and a Deployment (with its Service) running as the ServiceAccount; waited for.
rbac_app() {
  local ns="$1" name="$2" replicas="$3"
  kubectl -n "$ns" create serviceaccount "$name" >/dev/null
  rbac_role "$ns" "$name" "$RULE_CONFIGMAPS_READ" "$RULE_LEASES_GET"
  kubectl -n "$ns" create rolebinding "$name" --role="$name" --serviceaccount="$ns:$name" >/dev/null
  app "$ns" "$name" "$replicas" "$(rbac_app_script "$name")" "" "      serviceAccountName: $name"
  rolled_out "$ns" "$name"
}
