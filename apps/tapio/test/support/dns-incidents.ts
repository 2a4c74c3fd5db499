import type { ExpectedEntity, K8sObject, RecordedLine } from './recording-variants.js';
import { containerStatus, RecordingEditor, setReady } from './recording-editor.js';
import type { SyntheticIncident } from './synthetic-incidents.js';
import { bootNs, nodeLocalLine, placement, podWorkload } from './node-local-lines.js';
import { endpointsReady, ref, spec } from './rollout-steps.js';

/** How CoreDNS fails: OOM-killed under a burst of queries (its 170Mi limit), or its loop plugin finding a forwarding loop and exiting. */
export type DnsFailure = 'oom' | 'loop';

/** The names the shop's pods look up, fully qualified as their resolv.conf search path makes them. */
const QUERIES = ['payments-api.payments.svc.cluster.local', 'checkout.shop.svc.cluster.local', 'catalog.shop.svc.cluster.local', 'cart.shop.svc.cluster.local', 'api.stripe.com'];

/** The cluster DNS Service's address, as the pods' resolv.conf names it. */
function clusterDns(editor: RecordingEditor): string {
  return String(spec(editor.get('Service', 'kube-system', 'kube-dns'))['clusterIP'] ?? '10.96.0.10');
}

/**
 * The DNS collector's line for one failed lookup of `pod`: no answer within the resolver's
 * timeout (dns_timeout), or SERVFAIL from the surviving server (dns_response).
 */
function lookupFails(editor: RecordingEditor, pod: K8sObject, query: string, server: string, outcome: 'timeout' | 'SERVFAIL', index: number): void {
  const { node, ip } = placement(pod);
  const exchange = { node, bootNs: bootNs(editor), workload: podWorkload(pod), protocol: 'udp', clientIp: ip, clientPort: 40_000 + ((index * 7919) % 20_000), serverIp: server, serverPort: 53, id: (index * 2654435761) % 65_536, query, queryType: 'A', attempts: outcome === 'timeout' ? 2 : 1 };
  const data = outcome === 'timeout' ? { ...exchange, waitedMs: 5_000 } : { ...exchange, rcode: 'SERVFAIL', latencyMs: 1.8 + (index % 5) * 0.3, answers: 0, truncated: false, slow: false };
  editor.lines.push(nodeLocalLine(editor, 'dns', outcome === 'timeout' ? 'dns_timeout' : 'dns_response', node, data));
}

/** One CoreDNS container exit as the API server reports it: terminated, restarted (or in back-off), not ready. */
function corednsExits(editor: RecordingEditor, pod: K8sObject, failure: DnsFailure, round: number): void {
  const terminated = failure === 'oom' ? { exitCode: 137, reason: 'OOMKilled' } : { exitCode: 1, reason: 'Error' };
  editor.modify('Pod', 'kube-system', pod.metadata.name, (object) => {
    const status = containerStatus(object);
    status['restartCount'] = Number(status['restartCount'] ?? 0) + 1;
    status['lastState'] = { terminated: { ...terminated, startedAt: editor.now, finishedAt: editor.now } };
    status['state'] = round === 0 ? { running: { startedAt: editor.now } } : { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${10 * 2 ** round}s restarting failed container=coredns pod=${pod.metadata.name}_kube-system(${String(pod.metadata.uid)})` } };
    setReady(object, false, editor.now);
  });
  if (round > 0) editor.event(pod, 'BackOff', `Back-off restarting failed container coredns in pod ${pod.metadata.name}_kube-system(${String(pod.metadata.uid)})`, { type: 'Warning', fieldPath: 'spec.containers{coredns}', host: placement(pod).node });
}

/**
 * Cluster DNS goes dark: both CoreDNS pods fail (`oom`: OOM-killed again and again under a
 * burst of queries; `loop`: the loop plugin exits after a node's resolver started forwarding
 * back to CoreDNS) and land in CrashLoopBackOff, kube-dns loses its endpoints, and the DNS
 * collectors on every node see the shop's lookups time out or fail (SERVFAIL). Root: CoreDNS
 * (its pods, ReplicaSet or Deployment).
 */
export function dnsBlackHole(recording: readonly RecordedLine[], failure: DnsFailure, options: { rounds?: number; seed?: string } = {}): SyntheticIncident {
  const editor = new RecordingEditor(recording, options.seed ?? `dns-${failure}`);
  const server = clusterDns(editor);
  const coredns = editor.podsOf('kube-system', 'coredns');
  const clients = ['checkout', 'frontend', 'cart'].flatMap((name) => editor.podsOf('shop', name));
  if (coredns.length === 0 || clients.length === 0) throw new Error('the recording has no CoreDNS pods or no shop pods');
  editor.advance(110);
  let index = 0;
  for (let round = 0; round < (options.rounds ?? 4); round += 1) {
    for (const pod of coredns) {
      corednsExits(editor, pod, failure, round);
      editor.advance(2);
    }
    if (round === 0) endpointsReady(editor, coredns, false);
    // The pods' resolvers retry: every few seconds a lookup somewhere gives up.
    for (let lookup = 0; lookup < 4; lookup += 1) {
      const client = clients[(index += 1) % clients.length] as K8sObject;
      lookupFails(editor, client, QUERIES[index % QUERIES.length] as string, server, lookup % 3 === 2 ? 'SERVFAIL' : 'timeout', index);
      editor.advance(6);
    }
    editor.advance(10 * 2 ** round);
  }
  const deployment = editor.get('Deployment', 'kube-system', 'coredns');
  const replicaSets = editor.find('ReplicaSet', (rs) => rs.metadata.namespace === 'kube-system' && rs.metadata.name.startsWith('coredns-'));
  const accept: ExpectedEntity[] = [ref(deployment), ...replicaSets.map(ref), ...coredns.map(ref)];
  return { lines: editor.lines, accept };
}

/**
 * Benign: a short DNS blip. One CoreDNS pod is OOM-killed once and is back within seconds
 * while the other keeps serving; a few lookups that went to it time out and are retried.
 */
export function dnsBlip(recording: readonly RecordedLine[], seed = 'dns-blip'): SyntheticIncident {
  const editor = new RecordingEditor(recording, seed);
  const server = clusterDns(editor);
  const [pod] = editor.podsOf('kube-system', 'coredns');
  const clients = editor.podsOf('shop', 'frontend');
  if (!pod || clients.length === 0) throw new Error('the recording has no CoreDNS pod or no frontend pods');
  editor.advance(140);
  corednsExits(editor, pod, 'oom', 0);
  endpointsReady(editor, [pod], false);
  clients.slice(0, 3).forEach((client, index) => {
    editor.advance(2);
    lookupFails(editor, client, QUERIES[index] as string, server, 'timeout', index);
  });
  editor.advance(8);
  editor.modify('Pod', 'kube-system', pod.metadata.name, (object) => setReady(object, true, editor.now));
  endpointsReady(editor, [pod], true);
  editor.advance(120);
  return { lines: editor.lines, accept: [] };
}
