#!/usr/bin/env bash
# An Ingress (networking.k8s.io/v1; no controller runs: Tapio reads the objects) routes
# shop.example.com/cart to Service cart (port 80) and / to Service storefront; the Deployment
# behind cart is scaled to 0 (INGRESS_BREAK=scale, the default) or cart's selector is edited
# with a typo (INGRESS_BREAK=selector): the Service keeps no ready endpoint and every user
# entering through shop.example.com/cart fails. After BROKEN_FOR seconds (150) `restore`
# scales back (or puts the selector back). Truth: root cause Deployment <ns>/cart (replicas
# 2 -> 0), or Service <ns>/cart (spec.selector.app cart -> carts); symptom: Ingress
# <ns>/shop-entry.
source "$(dirname "$0")/lib.sh"
ns="${INCIDENT_NS:-shop}"
break_by="${INGRESS_BREAK:-scale}"

prepare() {
  fresh_namespace "$ns"
  app "$ns" cart 2 "$SERVE"
  app "$ns" storefront 1 "$SERVE"
  kubectl apply -f - >/dev/null <<YAML
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: shop-entry, namespace: $ns }
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - { path: /cart, pathType: Prefix, backend: { service: { name: cart, port: { number: 80 } } } }
          - { path: /, pathType: Prefix, backend: { service: { name: storefront, port: { number: 80 } } } }
YAML
  rolled_out "$ns" cart
  rolled_out "$ns" storefront
  wait_until 90 "Service $ns/cart lists its ready pods" cart_ready
}

# The Endpoints of cart list at least one ready address (the controller writes them after the rollout).
cart_ready() { [ -n "$(kubectl -n "$ns" get endpoints cart -o jsonpath='{.subsets[*].addresses[*].ip}')" ]; }
cart_empty() { ! cart_ready; }

provoke() {
  case "$break_by" in
    scale) kubectl -n "$ns" scale deployment/cart --replicas=0 >/dev/null; log "scaled $ns/cart to 0";;
    selector) kubectl -n "$ns" patch service cart --type merge -p '{"spec":{"selector":{"app":"carts"}}}' >/dev/null; log "edited Service $ns/cart's selector to app=carts";;
    *) echo "INGRESS_BREAK is scale or selector, not $break_by" >&2; exit 2;;
  esac
}

# Broken for BROKEN_FOR seconds (longer than the pattern's 2-minute hold), then restored
# (RESTORE=0 leaves it broken), so a recording holds the outage and its end.
settle() {
  wait_until 120 "Service $ns/cart has no ready endpoint" cart_empty
  sleep "${BROKEN_FOR:-150}"
  [ "${RESTORE:-1}" = 0 ] || restore
}

restore() {
  case "$break_by" in
    scale) kubectl -n "$ns" scale deployment/cart --replicas=2 >/dev/null; log "scaled $ns/cart back to 2";;
    selector) kubectl -n "$ns" patch service cart --type merge -p '{"spec":{"selector":{"app":"cart"}}}' >/dev/null; log "put Service $ns/cart's selector back";;
  esac
  rolled_out "$ns" cart
  wait_until 90 "Service $ns/cart lists its ready pods again" cart_ready
}

cleanup() { kubectl delete namespace "$ns" --ignore-not-found --wait=false >/dev/null; }

case "${1:-all}" in
  restore) restore;;
  *) run_incident "$@";;
esac
