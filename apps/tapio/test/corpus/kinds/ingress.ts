import type { CorpusCase } from '../corpus-case.js';
import { benignRecording, threeWays } from '../corpus-variants.js';
import { realRecording } from '../real-recording.js';
import { backendBlipBehindIngress, backendScaledToZero, ingressSwitchedBackend, ingressWrongBackend, rollingUpdateBehindIngress, selectorTypoBehindIngress } from '../../support/ingress-incidents.js';

/**
 * Issue #15: users entering through an Ingress fail (`ingress_backend_unavailable`), rooted at
 * what broke the route: the Service's selector edit, the Deployment scaled to 0 behind it, or the
 * Ingress's own edit to a Service or port that does not exist. An Ingress switched to another
 * valid backend, a rolling update behind it, and a backend empty for seconds are routine.
 */
export const corpusCases: readonly CorpusCase[] = [
  ...threeWays('Ingress backend: Service selector typo behind an Ingress', 'cart', () => selectorTypoBehindIngress(benignRecording(), 'shop', 'cart')),
  ...realRecording('Ingress backend: Service selector typo behind an Ingress', 'ingress-selector-typo'),
  ...threeWays('Ingress edited to a Service that does not exist or a port it does not have', 'checkout, wrong Service name', () => ingressWrongBackend(benignRecording(), 'shop', 'checkout', 'service')),
  ...threeWays('Ingress edited to a Service that does not exist or a port it does not have', 'catalog, wrong port', () => ingressWrongBackend(benignRecording(), 'shop', 'catalog', 'port')),
  ...threeWays('Ingress backend: its Deployment scaled to 0', 'cart', () => backendScaledToZero(benignRecording(), 'shop', 'cart')),
  ...realRecording('Ingress backend: its Deployment scaled to 0', 'ingress-backend-lost'),
  ...threeWays('benign: Ingress switched to another valid backend', 'cart -> checkout', () => ingressSwitchedBackend(benignRecording(), 'shop', 'cart', 'checkout')),
  ...threeWays('benign: rolling update behind an Ingress', 'catalog (recorded)', () => rollingUpdateBehindIngress(benignRecording(), 'shop', 'catalog')),
  ...threeWays('benign: rolling update behind an Ingress', 'cart empty for 20 s (Recreate)', () => backendBlipBehindIngress(benignRecording(), 'shop', 'cart')),
];
