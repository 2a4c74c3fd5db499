import { benignRecording, threeWays } from '../corpus-variants.js';
import { etcdLeaderFlapping, etcdRoutine, etcdWriteOutage } from '../../support/control-plane-incidents.js';
import { dnsBlackHole, dnsBlip } from '../../support/dns-incidents.js';
import { hpaMaxedOutLate, quotaAlreadyFull, quotaRaceDuringRollout } from '../../support/autoscaling-and-admission-incidents.js';
import { configDrift, configEditedTwice } from '../../support/config-drift-incidents.js';
import { cniAgentRestart, networkPartition } from '../../support/network-partition-incidents.js';
import { memoryCourse } from '../../support/memory-trend-incidents.js';
import type { CorpusCase } from '../corpus-case.js';

/**
 * Recordings for built-in patterns no other kind leads with (the coverage rule of
 * corpus.test.ts): etcd refusing writes (out of space, quorum lost) and re-electing its leader
 * again and again, cluster DNS going dark, an autoscaler reaching its maximum after its pods
 * began failing, a quota already full refusing a scale-up or a rollout, a ConfigMap tuned edit
 * after edit while its pods flap, a node's pod network broken, memory growing toward the limit
 * when the recording ends. Each generated incident comes three ways (threeWays), next to
 * benign look-alikes: etcd upgraded member by member, compacted and defragmented, its leader
 * restarted with one create retried; one CoreDNS pod restarting; a replacement pod refused
 * while the old one still terminates; a ConfigMap edited twice; a CNI agent upgraded.
 */
export const corpusCases: readonly CorpusCase[] = [
  ...threeWays('etcd out of space (NOSPACE): a ReplicaSet cannot replace a pod', 'shop/catalog', () => etcdWriteOutage(benignRecording(), 'shop', 'catalog', { cause: 'nospace' })),
  ...threeWays('etcd loses quorum: the CronJob and a ReplicaSet cannot create', 'shop/cart', () => etcdWriteOutage(benignRecording(), 'shop', 'cart', { cause: 'quorum' })),
  ...threeWays('etcd leader flapping on a slow disk: a scale-up is refused', 'shop/frontend', () => etcdLeaderFlapping(benignRecording(), 'shop', 'frontend')),
  ...threeWays('etcd leader flapping on a slow disk: five elections, a scale-up is refused', 'shop/catalog', () => etcdLeaderFlapping(benignRecording(), 'shop', 'catalog', { elections: 5, seed: 'etcd-flap-5' })),
  ...threeWays('benign: etcd members upgraded one by one', 'shop/cart', () => etcdRoutine(benignRecording(), 'shop', 'cart', 'upgrade')),
  ...threeWays('benign: etcd compacted and defragmented near its quota', 'shop/catalog', () => etcdRoutine(benignRecording(), 'shop', 'catalog', 'maintenance')),
  ...threeWays('benign: the etcd leader restarts, one create retried', 'shop/frontend', () => etcdRoutine(benignRecording(), 'shop', 'frontend', 'restart')),
  ...threeWays('CoreDNS OOM-killed under a query burst: lookups fail cluster-wide', 'kube-system/coredns', () => dnsBlackHole(benignRecording(), 'oom')),
  ...threeWays('CoreDNS exits on a forwarding loop: lookups fail cluster-wide', 'kube-system/coredns', () => dnsBlackHole(benignRecording(), 'loop')),
  ...threeWays('benign: one CoreDNS pod restarts, a few lookups retried', 'kube-system/coredns', () => dnsBlip(benignRecording())),
  ...threeWays('traffic surge: pods fail readiness, then the HPA reaches its maximum', 'shop/frontend', () => hpaMaxedOutLate(benignRecording(), 'shop', 'frontend')),
  ...threeWays('traffic surge: pods fail readiness, the HPA reaches its maximum, more fail', 'shop/checkout', () => hpaMaxedOutLate(benignRecording(), 'shop', 'checkout', { tail: 3 })),
  ...threeWays('ResourceQuota already full: a scale-up is refused', 'shop/catalog', () => quotaAlreadyFull(benignRecording(), 'shop', 'catalog', { how: 'scale' })),
  ...threeWays("ResourceQuota already full: a rollout's surge pod is refused", 'shop/cart', () => quotaAlreadyFull(benignRecording(), 'shop', 'cart', { how: 'rollout' })),
  ...threeWays('benign: a replaced pod refused by a full quota while the old one terminates', 'shop/checkout', () => quotaRaceDuringRollout(benignRecording(), 'shop', 'checkout')),
  ...threeWays('ConfigMap tuned edit after edit: the pods that mount it flap readiness', 'shop/checkout-config', () => configDrift(benignRecording(), 'shop', 'checkout-config')),
  ...threeWays('ConfigMap tuned edit after edit (a new setting): the pods flap readiness', 'shop/frontend-config', () => configDrift(benignRecording(), 'shop', 'frontend-config', { setting: 'maxConnections', edits: 4 })),
  ...threeWays('benign: a ConfigMap edited twice, its pods stay ready', 'shop/frontend-config', () => configEditedTwice(benignRecording(), 'shop', 'frontend-config')),
  ...threeWays("a node's pod network breaks: its pods cannot reach other nodes", 'node-2', () => networkPartition(benignRecording(), 'node-2')),
  ...threeWays("a node's pod network breaks, four rounds of failed connects", 'node-3', () => networkPartition(benignRecording(), 'node-3', { rounds: 4 })),
  ...threeWays("benign: a node's CNI agent upgraded, two connects retried", 'node-1', () => cniAgentRestart(benignRecording(), 'node-1')),
  ...threeWays('memory grows toward its limit, the recording ends before the kill', 'shop/checkout', () => memoryCourse(benignRecording(), 'shop', 'checkout', { outcome: 'still-growing', startShare: 0.5, growthMiBPerMinute: 24, jitterMiB: 3, intervalS: 15, minutes: 7 }, 'growing')),
  ...threeWays('memory grows slowly toward its limit (polled every 10 s), the recording ends before the kill', 'payments/payments-api', () => memoryCourse(benignRecording(), 'payments', 'payments-api', { outcome: 'still-growing', startShare: 0.55, growthMiBPerMinute: 12, jitterMiB: 5, intervalS: 10, minutes: 12 }, 'growing-slow')),
];
