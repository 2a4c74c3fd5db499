import type { CorpusCase } from '../corpus-case.js';
import { benignRecording, threeWays } from '../corpus-variants.js';
import { realRecording } from '../real-recording.js';
import { corednsBroken, corednsRestart, networkPolicyTimeout, permissivePolicyWithBlip, selectorChangedRefused, volumeAttachFailure, type Call } from '../service-dependency-incidents.js';

/** Issue #15 gap 1: the trouble is behind a Service the failing workload calls. Callers in the same and in another namespace, named by probe or by environment. */
const frontendCallsCatalog: Call = { callerNs: 'shop', caller: 'frontend', calleeNs: 'shop', callee: 'catalog', via: 'probe' };
const paymentsCallsCheckout: Call = { callerNs: 'payments', caller: 'payments-api', calleeNs: 'shop', callee: 'checkout', via: 'env' };
const cartCallsPayments: Call = { callerNs: 'shop', caller: 'cart', calleeNs: 'payments', callee: 'payments-api', via: 'probe' };

export const corpusCases: readonly CorpusCase[] = [
  ...threeWays('cluster DNS broken: CoreDNS Corefile edited', 'frontend resolves catalog (probe), wget bad address', () => corednsBroken(benignRecording(), frontendCallsCatalog, 'bad-address')),
  ...threeWays('cluster DNS broken: CoreDNS Corefile edited', 'payments-api calls checkout (env), lookup server misbehaving', () => corednsBroken(benignRecording(), paymentsCallsCheckout, 'misbehaving', 'dns-2')),
  ...threeWays('Service selector changed: callers refused on its ClusterIP', 'frontend -> catalog', () => selectorChangedRefused(benignRecording(), frontendCallsCatalog)),
  ...threeWays('Service selector changed: callers refused on its ClusterIP', 'payments-api -> checkout (env)', () => selectorChangedRefused(benignRecording(), paymentsCallsCheckout, 'refused-2')),
  ...threeWays('NetworkPolicy selects the callee pods: callers time out', 'frontend -> catalog', () => networkPolicyTimeout(benignRecording(), frontendCallsCatalog)),
  ...threeWays('NetworkPolicy selects the callee pods: callers time out', 'cart -> payments-api (another namespace)', () => networkPolicyTimeout(benignRecording(), cartCallsPayments, 'policy-2')),
  ...threeWays('callee pods cannot attach their volume: callers refused', 'frontend -> catalog', () => volumeAttachFailure(benignRecording(), frontendCallsCatalog)),
  ...threeWays('callee pods cannot attach their volume: callers refused', 'cart -> payments-api (another namespace)', () => volumeAttachFailure(benignRecording(), cartCallsPayments, 'attach-2')),
  ...threeWays('benign: CoreDNS restarted, nothing fails', 'frontend resolves catalog', () => corednsRestart(benignRecording(), frontendCallsCatalog)),
  ...threeWays('benign: permissive NetworkPolicy, one probe blip', 'frontend -> catalog', () => permissivePolicyWithBlip(benignRecording(), frontendCallsCatalog)),
  ...realRecording('benign: deny-all NetworkPolicy on a network that does not enforce it, nothing fails', 'networkpolicy-deny'),
  ...realRecording("a database's release crash-loops it; the api that exits without it crash-loops too", 'db-release-breaks-callers'),
  ...realRecording('a namespace deleted while another namespace still calls its Service', 'namespace-deleted-while-called'),
  ...realRecording('benign: the Service a frontend calls restarted (rolling), always a ready endpoint', 'callee-restart-benign'),
  ...realRecording('benign: the Service a frontend calls released with the Recreate strategy, empty for 20 s', 'recreate-rollout-benign'),
  ...realRecording('the Service a frontend calls by name deleted: its pods run on, the frontend goes unready', 'service-deleted-while-called'),
  ...realRecording('an ExternalName Service a frontend calls repointed at a name that does not exist', 'service-externalname-changed'),
];
