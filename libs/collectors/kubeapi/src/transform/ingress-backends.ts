import type { K8sObjectFacts, Severity } from '@tapio/domain';
import type { Json } from './k8s-object.js';
import { hasPort, ingressRoutes, routeName, servicePorts, type IngressRoute, type ServicePorts } from './ingress-routes.js';
import { ServiceEndpoints } from './service-endpoints.js';
import type { Signal } from './signal.js';

/**
 * How long after the first object of a kind (Service, Secret) was seen its initial list is
 * taken as delivered: informers list kinds in parallel, so an Ingress may come before the
 * Services it routes to. Only then is a missing Service or Secret claimed to be missing.
 */
export const LIST_SETTLE_MS = 30_000;

type Problem = 'no-ready-endpoint' | 'service-missing' | 'port-missing' | 'tls-secret-missing';

interface Finding {
  problem: Problem;
  /** The route's user-facing name (`shop.example.com/cart`), or the TLS Secret's hosts. */
  route: string;
  backend?: IngressRoute;
  /** The Service (or TLS Secret) it is about. */
  target: string;
}

/** What is kept of one Ingress, as plain JSON for a durable store. */
interface IngressState {
  routes: IngressRoute[];
  tls: string[];
  /** The findings last said (`problem|route|target`); empty while every route works. */
  broken: string[];
  /** When (ms) to check again: a kind it names was first seen less than LIST_SETTLE_MS before. */
  pending?: number;
  /** The last signals and the RawEvent that said them: the same RawEvent delivered again says them again. */
  said?: { raw: string; signals: Signal[] };
  /**
   * TLS Secrets it named, not seen, since it was first seen: a state that stood before Tapio
   * looked (or a recording began), which nothing changed, is not claimed broken (a recorder
   * may leave Secrets out; cert-manager writes a new Ingress's Secret after it). One seen and
   * then deleted, or named by a later version, is.
   */
  standing?: string[];
}

export interface IngressObservation {
  cluster: string;
  kind: string;
  facts: K8sObjectFacts;
  object: Json;
  deleted: boolean;
  /** Names the RawEvent (the same for a redelivery of it). */
  raw: string;
  /** The RawEvent's time (ms). */
  at: number;
  /** False for a version older than one already seen (late delivery): it does not change the index. */
  current: boolean;
}

const key = (cluster: string, namespace: string, name: string) => `${cluster}|${namespace}|${name}`;

/**
 * The route index of the kubeapi transformer: per Ingress its routes (host, path, backend
 * Service and port, default backend) and TLS Secrets; which Ingresses route to a Service or
 * name a Secret; the Services' ports and the Secrets that exist. From it, signals about the
 * Ingress (users entering through it fail): `ingress_backend_unavailable` when a route reaches
 * a Service without a ready endpoint (ServiceEndpoints' knowledge), a Service or port that
 * does not exist, or a TLS Secret that does not exist; `ingress_backend_restored` when every
 * route works again or the Ingress is deleted. Durable with the transformer's other state
 * (entries `i|g|` Ingresses, `i|v|` Services, `i|x|` Secrets, `i|k|` kinds seen; see
 * kubeapi-state.ts), so a restart neither forgets a broken route nor says it twice.
 */
export class IngressBackends {
  private readonly ingresses = new Map<string, IngressState>();
  private readonly services = new Map<string, ServicePorts>();
  private readonly secrets = new Set<string>();
  /** First time (ms) an object of a kind was seen, by `cluster|kind`. */
  private readonly kindsSeen = new Map<string, number>();
  /** Ingresses by the Service or TLS Secret they name (`cluster|namespace|name` → Ingress keys). */
  private readonly byTarget = new Map<string, Set<string>>();
  /** Ingresses with a `pending` check. */
  private readonly pending = new Set<string>();
  private readonly dirty = new Set<string>();
  private tracking = false;

  /** `availability`: what ServiceEndpoints last said of a Service (undefined: nothing yet). */
  constructor(private readonly availability: (cluster: string, namespace: string, service: string) => boolean | undefined) {}

  /** Every watched object passes here; returns the signals about Ingresses it changes. */
  observe(input: IngressObservation): Signal[] {
    const { cluster, kind, facts, deleted, raw, at } = input;
    const namespace = facts.namespace;
    if (!namespace) return [];
    const affected = new Set<string>();
    let ingressKey: string | undefined;
    if (kind === 'Ingress') affected.add((ingressKey = key(cluster, namespace, facts.name)));
    else if (kind === 'Service' || kind === 'Secret') {
      for (const item of this.byTarget.get(`${kind}|${key(cluster, namespace, facts.name)}`) ?? []) affected.add(item);
    } else if (kind === 'Endpoints' || kind === 'EndpointSlice') {
      const service = ServiceEndpoints.serviceOf(kind, facts);
      for (const item of service ? (this.byTarget.get(`Service|${key(cluster, namespace, service)}`) ?? []) : []) affected.add(item);
    }
    const signals: Signal[] = [];
    // A RawEvent delivered again says again what it said (and changes nothing more).
    for (const item of affected) {
      const said = this.ingresses.get(item)?.said;
      if (said?.raw === raw) {
        signals.push(...said.signals);
        affected.delete(item);
      }
    }
    if (signals.length > 0 || !input.current) return signals;
    if (kind === 'Service' || kind === 'Secret') this.seeKind(cluster, kind, at);
    if (kind === 'Service') this.put(this.services, `v|`, key(cluster, namespace, facts.name), deleted ? undefined : servicePorts(input.object));
    if (kind === 'Secret') this.putSecret(key(cluster, namespace, facts.name), !deleted);
    if (ingressKey) {
      const before = this.ingresses.get(ingressKey);
      if (deleted) {
        if (before?.broken.length) signals.push(...this.say(ingressKey, before, raw, [restored(facts.name, namespace, 'the Ingress was deleted')]));
        this.setIngress(ingressKey, undefined);
        affected.delete(ingressKey);
      } else {
        const { routes, tls } = ingressRoutes(input.object);
        const standing = before ? before.standing?.filter((name) => tls.includes(name)) : tls.filter((name) => !this.secrets.has(key(cluster, namespace, name)));
        this.setIngress(ingressKey, { routes, tls, broken: before?.broken ?? [], ...(before?.said ? { said: before.said } : {}), ...(standing?.length ? { standing } : {}) });
      }
    }
    // Ingresses whose check waited for a kind's initial list.
    for (const item of this.pending) if ((this.ingresses.get(item)?.pending ?? Infinity) <= at) affected.add(item);
    for (const item of affected) signals.push(...this.evaluate(item, raw, at, item === ingressKey));
    return signals;
  }

  private evaluate(ingressKey: string, raw: string, at: number, own: boolean): Signal[] {
    const state = this.ingresses.get(ingressKey);
    if (!state) return [];
    const [cluster, namespace, name] = ingressKey.split('|') as [string, string, string];
    const findings: Finding[] = [];
    let pending: number | undefined;
    const missing = (kind: string): boolean | undefined => {
      const first = this.kindsSeen.get(`${cluster}|${kind}`);
      if (first === undefined) return undefined;
      if (at - first >= LIST_SETTLE_MS) return true;
      pending = Math.min(pending ?? Infinity, first + LIST_SETTLE_MS);
      return undefined;
    };
    for (const route of state.routes) {
      const ports = this.services.get(key(cluster, namespace, route.service));
      const finding = (problem: Problem) => findings.push({ problem, route: routeName(route), backend: route, target: route.service });
      if (!ports) {
        if (missing('Service')) finding('service-missing');
      } else if (!hasPort(ports, route.port)) finding('port-missing');
      else if (this.availability(cluster, namespace, route.service) === false) finding('no-ready-endpoint');
    }
    // A standing Secret seen since exists: from now on its deletion is claimed.
    const standing = state.standing?.filter((secret) => !this.secrets.has(key(cluster, namespace, secret)));
    for (const secret of state.tls) {
      if (!standing?.includes(secret) && !this.secrets.has(key(cluster, namespace, secret)) && missing('Secret')) findings.push({ problem: 'tls-secret-missing', route: 'HTTPS', target: secret });
    }
    const broken = [...new Set(findings.map((item) => `${item.problem}|${item.route}|${item.target}`))];
    const fresh = findings.filter((item) => !state.broken.includes(`${item.problem}|${item.route}|${item.target}`));
    const next: IngressState = { ...state, broken };
    if (pending !== undefined) next.pending = pending;
    else delete next.pending;
    if (standing?.length) next.standing = standing;
    else delete next.standing;
    const signals: Signal[] = [];
    const about = own ? undefined : { kind: 'Ingress', name, namespace };
    if (fresh.length > 0) signals.push(unavailable(name, namespace, fresh, findings.length, this.services.get(key(cluster, namespace, fresh[0]?.target ?? ''))));
    else if (broken.length === 0 && state.broken.length > 0) signals.push(restored(name, namespace, 'every route reaches a Service with a ready endpoint again'));
    const withAbout = signals.map((signal) => ({ ...signal, key: `${signal.key}:${namespace}/${name}`, ...(about ? { about } : {}) }));
    if (withAbout.length > 0) next.said = { raw, signals: withAbout };
    if (withAbout.length > 0 || broken.join() !== state.broken.join() || next.pending !== state.pending || next.standing?.length !== state.standing?.length) this.setIngress(ingressKey, next);
    return withAbout;
  }

  private say(ingressKey: string, state: IngressState, raw: string, signals: Signal[]): Signal[] {
    const [, namespace, name] = ingressKey.split('|') as [string, string, string];
    const keyed = signals.map((signal) => ({ ...signal, key: `${signal.key}:${namespace}/${name}` }));
    this.setIngress(ingressKey, { ...state, said: { raw, signals: keyed } });
    return keyed;
  }

  private seeKind(cluster: string, kind: string, at: number): void {
    const seenKey = `${cluster}|${kind}`;
    if (this.kindsSeen.has(seenKey)) return;
    this.kindsSeen.set(seenKey, at);
    if (this.tracking) this.dirty.add(`k|${seenKey}`);
    // Every Ingress of the cluster is checked again once this kind's initial list is in.
    for (const [item, state] of [...this.ingresses]) if (item.startsWith(`${cluster}|`)) this.setIngress(item, { ...state, pending: at + LIST_SETTLE_MS });
  }

  private put(map: Map<string, ServicePorts>, prefix: string, itemKey: string, value: ServicePorts | undefined): void {
    if (value) map.set(itemKey, value);
    else map.delete(itemKey);
    if (this.tracking) this.dirty.add(`${prefix}${itemKey}`);
  }

  private putSecret(itemKey: string, exists: boolean): void {
    if (exists === this.secrets.has(itemKey)) return;
    if (exists) this.secrets.add(itemKey);
    else this.secrets.delete(itemKey);
    if (this.tracking) this.dirty.add(`x|${itemKey}`);
  }

  private setIngress(ingressKey: string, state: IngressState | undefined): void {
    const before = this.ingresses.get(ingressKey);
    const [cluster, namespace] = ingressKey.split('|') as [string, string];
    for (const target of targetsOf(before)) this.byTarget.get(`${target.kind}|${key(cluster, namespace, target.name)}`)?.delete(ingressKey);
    if (state?.pending !== undefined) this.pending.add(ingressKey);
    else this.pending.delete(ingressKey);
    if (state) {
      this.ingresses.set(ingressKey, state);
      for (const target of targetsOf(state)) {
        const targetKey = `${target.kind}|${key(cluster, namespace, target.name)}`;
        const known = this.byTarget.get(targetKey) ?? new Set<string>();
        known.add(ingressKey);
        this.byTarget.set(targetKey, known);
      }
    } else this.ingresses.delete(ingressKey);
    if (this.tracking) this.dirty.add(`g|${ingressKey}`);
  }

  /** Entries changed since the last call (keys without the `i|` prefix), each with its value now (undefined: gone). */
  changes(): Array<[string, unknown]> {
    const changed: Array<[string, unknown]> = [];
    for (const item of this.dirty) {
      const itemKey = item.slice(2);
      if (item.startsWith('g|')) changed.push([item, this.ingresses.get(itemKey)]);
      else if (item.startsWith('v|')) changed.push([item, this.services.get(itemKey)]);
      else if (item.startsWith('x|')) changed.push([item, this.secrets.has(itemKey) ? true : undefined]);
      else changed.push([item, this.kindsSeen.get(itemKey)]);
    }
    this.dirty.clear();
    return changed;
  }

  /** An entry a durable store kept (key without the `i|` prefix; '' only starts tracking); from now on changes are tracked. */
  restore(entryKey: string, value: unknown): void {
    this.tracking = true;
    const itemKey = entryKey.slice(2);
    if (entryKey.startsWith('g|') && isIngressState(value)) this.setIngress(itemKey, value);
    else if (entryKey.startsWith('v|') && value && typeof value === 'object') this.services.set(itemKey, value as ServicePorts);
    else if (entryKey.startsWith('x|') && value === true) this.secrets.add(itemKey);
    else if (entryKey.startsWith('k|') && typeof value === 'number') this.kindsSeen.set(itemKey, value);
    this.dirty.clear();
  }
}

function isIngressState(value: unknown): value is IngressState {
  const state = value as IngressState | undefined;
  return !!state && Array.isArray(state.routes) && Array.isArray(state.tls) && Array.isArray(state.broken);
}

function targetsOf(state: IngressState | undefined): Array<{ kind: 'Service' | 'Secret'; name: string }> {
  if (!state) return [];
  return [...state.routes.map((route) => ({ kind: 'Service' as const, name: route.service })), ...state.tls.map((name) => ({ kind: 'Secret' as const, name }))];
}

const SEVERITY: Record<Problem, Severity> = { 'no-ready-endpoint': 'high', 'service-missing': 'high', 'port-missing': 'high', 'tls-secret-missing': 'medium' };

function describe(finding: Finding, namespace: string, ports: ServicePorts | undefined): string {
  const service = `Service ${namespace}/${finding.target}`;
  const through = `users entering through ${finding.route}`;
  switch (finding.problem) {
    case 'no-ready-endpoint':
      return `${through} reach ${service}, which has no ready endpoint`;
    case 'service-missing':
      return `${through} are routed to ${service}, which does not exist`;
    case 'port-missing': {
      const has = ports ? [...ports.numbers.map(String), ...ports.names].join(', ') : '';
      return `${through} are routed to port ${finding.backend?.port ?? '(none given)'} of ${service}, which has no such port${has ? ` (it has ${has})` : ''}`;
    }
    case 'tls-secret-missing':
      return `users entering over HTTPS need TLS Secret ${namespace}/${finding.target}, which does not exist`;
  }
}

function unavailable(name: string, namespace: string, fresh: Finding[], total: number, ports: ServicePorts | undefined): Signal {
  const first = fresh[0] as Finding;
  const more = total - 1;
  const route = first.backend;
  return {
    type: 'ingress_backend_unavailable',
    key: `ingress:unavailable:${first.problem}:${first.route}`,
    severity: fresh.some((item) => SEVERITY[item.problem] === 'high') ? 'high' : 'medium',
    message: `Ingress ${namespace}/${name}: ${describe(first, namespace, ports)}${more > 0 ? ` (and ${more} more broken route${more === 1 ? '' : 's'})` : ''}`,
    kubernetes: { reason: first.problem === 'no-ready-endpoint' ? 'NoReadyEndpoints' : first.problem === 'tls-secret-missing' ? 'SecretMissing' : first.problem === 'port-missing' ? 'PortMissing' : 'ServiceMissing' },
    annotations: {
      'ingress.problem': first.problem,
      'ingress.route': first.route,
      ...(route?.host ? { 'ingress.host': route.host } : {}),
      ...(route?.path && !route.fallback ? { 'ingress.path': route.path } : {}),
      [first.problem === 'tls-secret-missing' ? 'ingress.secret' : 'ingress.service']: `${namespace}/${first.target}`,
      // A Service that exists and lost its endpoints is what users reach: the cause to look at.
      ...(first.problem === 'no-ready-endpoint' ? { 'cause.kind': 'Service', 'cause.name': first.target, 'cause.namespace': namespace } : {}),
    },
  };
}

function restored(name: string, namespace: string, why: string): Signal {
  return { type: 'ingress_backend_restored', key: 'ingress:restored', severity: 'info', message: `Ingress ${namespace}/${name} works again: ${why}`, kubernetes: { reason: 'BackendsAvailable' } };
}
