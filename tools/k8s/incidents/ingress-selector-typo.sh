#!/usr/bin/env bash
# ingress-backend-lost.sh with INGRESS_BREAK=selector: the selector of Service cart, behind
# the Ingress route shop.example.com/cart, is edited to app=carts (no pod has that label);
# put back after BROKEN_FOR seconds (150). Truth: root cause Service <ns>/cart
# (spec.selector.app cart -> carts); symptom: Ingress <ns>/shop-entry.
INGRESS_BREAK=selector INCIDENT_NS="${INCIDENT_NS:-market}" exec bash "$(dirname "$0")/ingress-backend-lost.sh" "$@"
