import { entityKeyKind, type CorrelationState, type EventType, type IndexedEvent } from '@tapio/domain';
import { replicasLowered, SCALED } from '../scale-change.js';

/** A Job the controller stopped for running past `activeDeadlineSeconds`: slow, not broken. */
const DEADLINE_EXCEEDED = /DeadlineExceeded|longer than specified deadline/;
/** What a server short of capacity shows while it is being called: slow or failed probes, unreadiness. */
const STRAIN: ReadonlySet<EventType> = new Set<EventType>(['probe_failed', 'pod_not_ready', 'connection_timeout']);

/** Whether a failure is a Job running out of its deadline (the trouble of a slow run, where a slower callee is a cause). */
export function isDeadlineExceeded(item: IndexedEvent): boolean {
  return item.event.type === 'job_failed' && entityKeyKind(item.entityKey ?? '') === 'Job' && DEADLINE_EXCEEDED.test(item.event.message);
}

/** When the run that ran out of time started: the Job's creation, else the window before its end. */
function runStart(state: CorrelationState, job: string, at: number, windowMs: number): number {
  const created = Date.parse(state.resource(job)?.facts?.creationTimestamp ?? '');
  return Number.isFinite(created) && created <= at ? created : at - windowMs;
}

/**
 * What a slow Job's callee lost before or during its run: a scale-down of a workload behind a
 * Service the Job's pods call (`spec.replicas` lowered), from `windowMs` before the run
 * started to its end. Scale-downs are routine, so one counts only when it halved the callee
 * or the callee's remaining pods showed strain (failed or slow probes, unreadiness) during the
 * run: the work a Job fans out at its callee then waits on fewer servers. The latest such
 * scale-down, with the Service and the dependency's evidence; undefined when none.
 */
export function calleeCapacityLoss(state: CorrelationState, failure: IndexedEvent, windowMs: number): { cause: IndexedEvent; to: string; evidence: string } | undefined {
  const job = failure.entityKey;
  if (!job) return undefined;
  const start = runStart(state, job, failure.at, windowMs);
  const since = start - windowMs;
  let best: { cause: IndexedEvent; to: string; evidence: string } | undefined;
  for (const pod of state.neighbours(job, 'OWNS', 'out')) {
    for (const dependency of state.dependsOn(pod)) {
      if (entityKeyKind(dependency.to) !== 'Service') continue;
      const servers = state.neighbours(dependency.to, 'SELECTS', 'out');
      const strained = servers.some((server) => state.eventsOn(server, start, STRAIN).some((item) => item.at <= failure.at));
      for (const owner of new Set(servers.map((server) => state.rootOwner(server)))) {
        for (const item of state.eventsOn(owner, since, SCALED)) {
          const change = replicasLowered(item);
          if (!change || item.at > failure.at) continue;
          if (!strained && change.after * 2 > change.before) continue;
          if (!best || item.at > best.cause.at) best = { cause: item, to: dependency.to, evidence: dependency.evidence[0] ?? '' };
        }
      }
    }
  }
  return best;
}
