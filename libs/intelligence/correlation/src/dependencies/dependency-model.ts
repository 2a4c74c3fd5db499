import { entityKey, lookupFailed, networkAddressesIn, entityKeyKind, parseEntityKey, WORKLOAD_KINDS, type IndexedEvent, type NetworkAddress, type ResourceNode, type TopologyChange, type TopologyEdge } from '@tapio/domain';
import { AddressBook, clusterOf } from './address-book.js';

/** One "who calls whom": a caller (a workload, or a pod without one) depends on a Service, with the evidence. */
export interface DependencyEdge {
  from: string;
  to: string;
  /** Where Tapio saw it, newest last (at most MAX_EVIDENCE). */
  evidence: string[];
  /** True when the evidence says name lookups of the caller failed (cluster DNS as the dependency). */
  lookups: boolean;
  /** The callee is cluster DNS (every name the caller uses goes through it). */
  clusterDns: boolean;
  firstSeen: number;
  lastSeen: number;
}

/** What the model needs of the topology. */
export interface DependencyTopology {
  has(key: string): boolean;
  rootOwner(key: string): string;
  /** The Services selecting a pod. */
  servicesOf(podKey: string): string[];
  /** What a pod's spec calls (its facts' `calls`). */
  callsOf(podKey: string): readonly string[];
  /** The pod's own IPs (what its probes name). */
  ownAddresses(podKey: string): readonly string[];
  /** What the ConfigMaps a pod uses name (their facts' `calls`), by ConfigMap. */
  configCallsOf(podKey: string): ReadonlyArray<{ configMap: string; calls: readonly string[] }>;
  /** The pods using a ConfigMap. */
  podsUsing(configMapKey: string): readonly string[];
}

const MAX_EVIDENCE = 3;
const MAX_EDGES_PER_CALLER = 32;
const EXCERPT = 180;
/** Event types whose message can name what the entity called (probe failures, kernel and DNS collector reports, crashes). */
const MESSAGE_TYPES = new Set(['probe_failed', 'pod_not_ready', 'crash_loop', 'pod_restart', 'connection_failed', 'connection_refused', 'connection_timeout', 'connection_reset', 'dns_failure', 'dns_timeout', 'k8s_event', 'process_exit', 'journal_error']);
/** Cluster DNS as Kubernetes deploys it: the Service pods resolve through. */
const CLUSTER_DNS = ['kube-dns', 'coredns', 'node-local-dns'];

/** The message without its repeat count ("(x3)"), so a repeated Event is one piece of evidence. */
const excerpt = (text: string) => {
  const once = text.replace(/ \(x\d+\)$/, '');
  return once.length > EXCERPT ? `${once.slice(0, EXCERPT - 1)}…` : once;
};
/** The evidence of a call a ConfigMap names. */
const configEvidence = (configMap: string) => {
  const ref = parseEntityKey(configMap);
  return (call: string) => `its ConfigMap ${ref?.namespace ?? ''}/${ref?.name ?? configMap} names ${call}`;
};
const isIp = (host: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(host);

/**
 * The level-2 model of who depends on whom, from evidence only: the addresses a pod's spec
 * calls (probe commands, environment, arguments), and those its failures name (probe, event,
 * kernel and DNS collector messages), resolved to Services by ClusterIP, pod IP or DNS name
 * (full or short, against the caller's namespace). A caller whose lookups fail, or that
 * resolves names at all, depends on cluster DNS. Edges live on the caller's workload so a
 * new pod inherits what its siblings showed. Bounded per caller.
 */
export class DependencyModel {
  private readonly edges = new Map<string, Map<string, DependencyEdge>>();
  private readonly book = new AddressBook();
  /** Pods whose spec calls a host no known Service answers yet, by that host's first label or IP: learnt again when one appears. */
  private readonly pending = new Map<string, Set<string>>();
  private targetChanges = 0;

  constructor(private readonly topology: DependencyTopology) {}

  /** Changes whenever a caller gains or loses a dependency (not on new evidence for a known one), so derived answers can be cached. */
  get version(): number {
    return this.targetChanges;
  }

  /** Learns from one event; returns the callers whose dependencies changed. */
  observe(indexed: IndexedEvent): string[] {
    const { event, entityKey: key, at } = indexed;
    if (!key) return [];
    const facts = event.kubernetes?.object;
    const changed = new Set<string>();
    if (facts) {
      const deleted = event.kubernetes?.watchType === 'DELETED';
      this.book.observe(key, facts, deleted);
      if (facts.kind === 'Service' && !deleted) for (const pod of this.waitingFor(facts.name, facts.clusterIP)) this.learnPod(pod, this.topology.callsOf(pod), at, changed);
      if (facts.kind === 'Pod' && !deleted) this.learnPod(key, facts.calls ?? [], at, changed);
      // A ConfigMap naming an upstream (listed after its pods, or edited): what the pods using it call.
      if (facts.kind === 'ConfigMap' && !deleted && facts.calls?.length) for (const pod of this.topology.podsUsing(key)) this.learnSpec(pod, facts.calls, at, changed, configEvidence(key));
      if (facts.kind === 'Ingress') this.learnBackends(key, deleted ? [] : (facts.services ?? []), at, changed);
      return [...changed];
    }
    if (!MESSAGE_TYPES.has(event.type)) return [];
    const addresses = networkAddressesIn(event.message);
    const lookupFailure = lookupFailed(event.message);
    // A message naming no address and no failed lookup teaches nothing (`learn` finds no target): most probe and Event messages.
    if ((addresses.length === 0 && !lookupFailure) || entityKeyKind(key) !== 'Pod') return [];
    const caller = this.callerOf(key);
    const evidence = `${event.type}: ${excerpt(event.message)}`;
    const failedLookup = event.type === 'dns_failure' || event.type === 'dns_timeout' || lookupFailure;
    this.learn(key, addresses, event.message, (target, dns) => this.link(caller, target, evidence, dns, dns && failedLookup, at, changed));
    return [...changed];
  }

  /** Learns what a pod's spec and the ConfigMaps it uses call. */
  private learnPod(pod: string, calls: readonly string[], at: number, changed: Set<string>): void {
    this.learnSpec(pod, calls, at, changed, (call) => `its pod spec calls ${call}`);
    for (const config of this.topology.configCallsOf(pod)) this.learnSpec(pod, config.calls, at, changed, configEvidence(config.configMap));
  }

  /** Learns what a pod calls (`says`: the evidence of one call); a host no Service answers yet waits for one. */
  private learnSpec(pod: string, calls: readonly string[], at: number, changed: Set<string>, says: (call: string) => string): void {
    if (calls.length === 0) return;
    const caller = this.callerOf(pod);
    for (const call of calls) {
      const [host, port] = call.split(':') as [string, string | undefined];
      const address: NetworkAddress = { host, via: 'hostport', ...(port ? { port: Number(port) } : {}) };
      let service = false;
      let dns = isIp(host);
      this.learn(pod, [address], '', (target, isDns) => {
        if (isDns) dns = true;
        else service = true;
        this.link(caller, target, isDns ? `resolves ${host} (${says(call)})` : says(call), isDns, false, at, changed);
      });
      if (!service) this.wait(isIp(host) ? host : (host.split('.')[0] as string), pod);
      if (!dns) for (const name of CLUSTER_DNS) this.wait(name, pod);
    }
  }

  /**
   * An Ingress depends on its backend Services (its spec names them): its clients fail when
   * they lose their endpoints. The edges follow the spec: a backend no longer named goes.
   */
  private learnBackends(ingress: string, services: readonly string[], at: number, changed: Set<string>): void {
    const ref = parseEntityKey(ingress);
    if (!ref) return;
    const wanted = new Set(services.map((name) => entityKey({ kind: 'Service', name, namespace: ref.namespace ?? null, ...(ref.cluster ? { cluster: ref.cluster } : {}) })));
    const targets = this.edges.get(ingress);
    for (const to of targets?.keys() ?? []) {
      if (wanted.has(to)) continue;
      targets?.delete(to);
      this.targetChanges += 1;
      changed.add(ingress);
    }
    for (const to of wanted) this.link(ingress, to, `routes to Service ${parseEntityKey(to)?.namespace}/${parseEntityKey(to)?.name} (an Ingress backend)`, false, false, at, changed);
  }

  private wait(label: string, pod: string): void {
    let waiting = this.pending.get(label);
    if (!waiting) this.pending.set(label, (waiting = new Set()));
    waiting.add(pod);
  }

  /** Pods waiting for a Service of this name or ClusterIP (forgotten once asked: learning again re-adds those still unresolved). */
  private waitingFor(name: string, clusterIP: string | undefined): string[] {
    const pods = [...(this.pending.get(name) ?? []), ...(clusterIP ? (this.pending.get(clusterIP) ?? []) : [])];
    this.pending.delete(name);
    if (clusterIP) this.pending.delete(clusterIP);
    return pods.filter((pod) => this.topology.has(pod));
  }

  /**
   * What a pod's or workload's caller depends on. With `text` (a failure message) that
   * names addresses, only the dependencies it names: the Services they resolve to, and
   * cluster DNS when the text says a lookup failed (the kubelet probing the pod's own IP
   * names none).
   */
  dependsOn(key: string, text?: string): DependencyEdge[] {
    const all = [...(this.edges.get(this.callerOf(key))?.values() ?? [])];
    const addresses = text ? networkAddressesIn(text).filter((address) => !this.isOwnAddress(key, address.host)) : [];
    // A text that names only the caller itself (a probe of its own IP) names no dependency.
    if (!text || addresses.length === 0) return all;
    const named = new Set<string>();
    this.learn(key, addresses, text, (target) => named.add(target));
    return all.filter((edge) => named.has(edge.to));
  }

  /** The caller's DEPENDS_ON edges as a topology change (the graph stores them with their evidence). */
  change(caller: string, node: ResourceNode): TopologyChange {
    const edges: TopologyEdge[] = this.dependsOn(caller).map((edge) => ({ type: 'DEPENDS_ON', from: caller, to: edge.to, evidence: edge.evidence.join(' | ') }));
    return { op: 'upsert', node, replace: [{ type: 'DEPENDS_ON', direction: 'out' }], edges };
  }

  private callerOf(key: string): string {
    const owner = this.topology.rootOwner(key);
    return owner !== key && WORKLOAD_KINDS.has(entityKeyKind(owner) ?? '') ? owner : key;
  }

  /**
   * Resolves what a pod calls to Services: by IP (a pod IP stands for the Services selecting
   * that pod), by DNS name against the pod's namespace; a name, and a failed lookup named in
   * `text`, also mean cluster DNS (the Service at the lookup's resolver, else kube-dns /
   * coredns / node-local-dns in kube-system). Calls `found` for each target, never the pod itself.
   */
  private learn(pod: string, addresses: readonly NetworkAddress[], text: string, found: (target: string, dns: boolean) => void): void {
    const ref = parseEntityKey(pod);
    const cluster = clusterOf(pod);
    const report = (target: string | undefined, dns: boolean) => {
      if (target && !this.isSelf(pod, target)) found(target, dns);
    };
    for (const address of addresses) {
      let target = isIp(address.host) ? this.book.atIp(address.host) : this.book.serviceNamed(address.host, ref?.namespace ?? undefined, cluster, (key) => this.topology.has(key));
      if (target && entityKeyKind(target) === 'Pod') target = this.topology.servicesOf(target)[0] ?? this.callerOf(target);
      report(target, false);
      if (!isIp(address.host)) report(this.clusterDns(cluster, address.resolver), true);
    }
    if (text && lookupFailed(text)) report(this.clusterDns(cluster, undefined), true);
  }

  private clusterDns(cluster: string, resolver: string | undefined): string | undefined {
    const atResolver = resolver ? this.book.atIp(resolver.split(':')[0] as string) : undefined;
    return atResolver ?? CLUSTER_DNS.map((name) => entityKey({ kind: 'Service', name, namespace: 'kube-system', cluster })).find((key) => this.topology.has(key));
  }

  /** A pod "calling" its own Service or IP is the kubelet probing it, not a dependency. */
  /** Whether `host` is the pod's own IP (what its probes and its own listeners report). */
  isOwnAddress(pod: string, host: string): boolean {
    return this.topology.ownAddresses(pod).includes(host);
  }

  private isSelf(pod: string, target: string): boolean {
    return target === pod || this.topology.servicesOf(pod).includes(target) || this.callerOf(target) === this.callerOf(pod);
  }

  private link(from: string, to: string, evidence: string, clusterDns: boolean, lookups: boolean, at: number, changed: Set<string>): void {
    let targets = this.edges.get(from);
    if (!targets) this.edges.set(from, (targets = new Map()));
    const known = targets.get(to);
    if (known) {
      known.lastSeen = Math.max(known.lastSeen, at);
      if (lookups && !known.lookups) {
        known.lookups = true;
        changed.add(from);
      }
      if (known.evidence.includes(evidence)) return;
      known.evidence = [...known.evidence, evidence].slice(-MAX_EVIDENCE);
      changed.add(from);
      return;
    }
    if (targets.size >= MAX_EDGES_PER_CALLER) return;
    targets.set(to, { from, to, evidence: [evidence], lookups, clusterDns, firstSeen: at, lastSeen: at });
    this.targetChanges += 1;
    changed.add(from);
  }
}
