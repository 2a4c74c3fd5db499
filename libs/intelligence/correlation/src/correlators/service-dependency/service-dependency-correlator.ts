import { networkAddressesIn, entityKeyKind, parseEntityKey, type Correlation, type CorrelationState, type Correlator, type EventType, type IndexedEvent } from '@tapio/domain';
import { CHANGE_TYPES, isFailure, MINUTE } from '../event-classes.js';
import { calleeTrouble } from './callee-trouble.js';
import { calleeCapacityLoss, isDeadlineExceeded } from './callee-capacity.js';
import { serviceProxyFailure } from './service-proxy.js';

/** Failures of a caller that a dependency can explain: unreadiness, crashes, failed calls and lookups. */
const CALLER_FAILURES: ReadonlySet<EventType> = new Set<EventType>([
  'probe_failed',
  'pod_not_ready',
  'crash_loop',
  'pod_restart',
  'connection_failed',
  'connection_refused',
  'connection_timeout',
  'connection_reset',
  'dns_failure',
  'dns_timeout',
]);

/** Callee trouble that is the callee being down (not only changed): its own failure explains its callers, whatever routes to it. */
const BACKEND_DOWN: ReadonlySet<EventType> = new Set<EventType>(['service_unavailable', 'resource_deleted', 'pod_not_ready', 'crash_loop', 'pod_failed', 'oom_killed', 'pod_evicted', 'volume_attach_failed', 'volume_mount_failed', 'pod_unschedulable', 'pod_pending']);
/** What a caller reports when it gave up waiting (a probe's or a client's deadline). */
const TIMED_OUT = /deadline exceeded|timed out|i\/o timeout|Client\.Timeout/i;
/** How soon after a callee's rollout or configuration change a caller's timeouts are its doing. */
const SLOW_CALLEE_MS = 5 * MINUTE;

function minutes(ms: number): string {
  return ms < MINUTE ? `${Math.round(ms / 1000)}s` : `${Math.round(ms / MINUTE)}m`;
}

/**
 * Dependency correlation across services: a pod failure was CAUSED by trouble on the side
 * of a Service its workload calls (DEPENDS_ON, from evidence), when that trouble came first
 * and the pod was healthy before it. When the failure names addresses, only the Services
 * they resolve to are asked (and cluster DNS for a failed lookup); otherwise every known
 * dependency is. The earliest trouble wins; the causal walk goes on from there (a Service
 * without endpoints back to its selector change, a crashing database back to its volume).
 */
export class ServiceDependencyCorrelator implements Correlator {
  readonly id = 'service-dependency';

  constructor(private readonly windowMs = 15 * MINUTE) {}

  correlate(indexed: IndexedEvent, state: CorrelationState): Correlation[] {
    const { event, at, entityKey } = indexed;
    if (isDeadlineExceeded(indexed)) return this.slowJob(indexed, state);
    if (!entityKey || !CALLER_FAILURES.has(event.type) || entityKeyKind(entityKey) !== 'Pod') return [];
    const dependencies = state.dependsOn(entityKey, event.message);
    if (dependencies.length === 0) return [];
    // Addresses other than the pod's own (its probes name its own IP): the failure points at them.
    const own = state.resource(entityKey)?.facts;
    const named = networkAddressesIn(event.message).some((address) => address.host !== own?.podIP && !own?.podIPs?.includes(address.host));
    // A caller that timed out waited on something slow: a callee that keeps running after its
    // rollout or configuration change can be that, named or not.
    const slow = event.type === 'connection_timeout' || TIMED_OUT.test(event.message);
    const since = at - this.windowMs;
    const ownChange = this.latestOwnChange(state, entityKey, since, at);
    let best: { cause: IndexedEvent; to: string; evidence: string } | undefined;
    for (const dependency of dependencies) {
      // A Service the failure names, and cluster DNS (a broken Corefile answers without failing), may break silently.
      // A timeout alone points at a slow callee only when it changed just before (a routine rollout
      // a quarter of an hour ago does not explain a probe that times out now).
      const silentSince = named || dependency.clusterDns ? since : slow ? at - SLOW_CALLEE_MS : undefined;
      const troubles = calleeTrouble(state, dependency.to, since, at, silentSince);
      // The caller's own later change (its rollout, its ConfigMap) explains its failure better.
      const cause = troubles.find((trouble) => trouble.at >= (ownChange ?? Number.NEGATIVE_INFINITY) && !this.failingBefore(state, entityKey, trouble.at, since));
      if (cause && (!best || cause.at < best.cause.at)) best = { cause, to: dependency.to, evidence: dependency.evidence[0] ?? '' };
    }
    if (!best) return [];
    // A callee that is up (its trouble only a change) unreachable from a node whose Service proxy is failing: the proxy's.
    const proxy = named && !BACKEND_DOWN.has(best.cause.event.type) ? serviceProxyFailure(state, entityKey, at) : undefined;
    if (proxy) return [this.proxyCaused(proxy, indexed, best.to)];
    const callee = parseEntityKey(best.to);
    return [
      {
        kind: 'CAUSED',
        fromEventId: best.cause.event.id,
        toEventId: event.id,
        confidence: 0.8,
        reason: `depends on Service ${callee?.namespace ?? ''}/${callee?.name ?? best.to} (${best.evidence}); ${best.cause.event.type.replace(/_/g, ' ')} there ${minutes(at - best.cause.at)} earlier`,
        correlator: this.id,
      },
    ];
  }

  private proxyCaused(proxy: { item: IndexedEvent; agent: string }, indexed: IndexedEvent, service: string): Correlation {
    const agent = parseEntityKey(proxy.agent);
    const callee = parseEntityKey(service);
    return {
      kind: 'CAUSED',
      fromEventId: proxy.item.event.id,
      toEventId: indexed.event.id,
      confidence: 0.75,
      reason: `calls Service ${callee?.namespace ?? ''}/${callee?.name ?? service}, whose pods are up; the Service proxy on its node, ${agent?.kind ?? 'DaemonSet'} ${agent?.namespace ?? ''}/${agent?.name ?? proxy.agent}, failed there ${minutes(indexed.at - proxy.item.at)} earlier (${proxy.item.event.type.replace(/_/g, ' ')})`,
      correlator: this.id,
    };
  }

  /** A Job out of its deadline: a callee that lost capacity before or during its run (callee-capacity.ts). */
  private slowJob(indexed: IndexedEvent, state: CorrelationState): Correlation[] {
    const loss = calleeCapacityLoss(state, indexed, this.windowMs);
    if (!loss) return [];
    const callee = parseEntityKey(loss.to);
    return [
      {
        kind: 'CAUSED',
        fromEventId: loss.cause.event.id,
        toEventId: indexed.event.id,
        confidence: 0.7,
        reason: `its pods call Service ${callee?.namespace ?? ''}/${callee?.name ?? loss.to} (${loss.evidence}), whose workload was scaled down ${minutes(indexed.at - loss.cause.at)} before the Job ran out of its deadline`,
        correlator: this.id,
      },
    ];
  }

  private latestOwnChange(state: CorrelationState, pod: string, since: number, until: number): number | undefined {
    const owner = state.rootOwner(pod);
    const changes = [...state.eventsOn(owner, since, CHANGE_TYPES), ...state.dependenciesOf(pod).flatMap((dependency) => state.eventsOn(dependency, since, CHANGE_TYPES))].filter((item) => item.at <= until);
    return changes.length ? Math.max(...changes.map((item) => item.at)) : undefined;
  }

  /**
   * True when the pod already failed (other than probes) before `time` and was not ready again
   * since: the callee cannot explain it. A pod that restarted once at start-up (its callee not
   * up yet) and then became ready was healthy when the callee's trouble came.
   */
  private failingBefore(state: CorrelationState, pod: string, time: number, since: number): boolean {
    const before = state.eventsOn(pod, since).filter((item) => item.at < time);
    const readyAt = Math.max(Number.NEGATIVE_INFINITY, ...before.filter((item) => item.event.type === 'pod_ready').map((item) => item.at));
    // A failure in the same second as the readiness is taken as before it (the restart, then ready).
    return before.some((item) => item.at > readyAt && isFailure(item.event.type) && item.event.type !== 'probe_failed' && item.event.type !== 'pod_not_ready');
  }
}
