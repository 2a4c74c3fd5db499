import { type EntityRef, type UnifiedEvent } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { WorkingState } from '../state/working-state.js';
import { causeRevealedByRestart, isRestartOnly } from './restart-reveals.js';

const RESTARTED_AT = 'spec.template.annotations.kubectl.kubernetes.io/restartedAt';
const LOWERED = { 'cause.kind': 'PriorityClass', 'cause.name': 'payments-critical', 'cause.exists': 'true' };

/** payments-api restarted (or released) at t, its new pods preempted 6 minutes later under `cause`. */
function restarted(paths: string[], cause: Record<string, string> = LOWERED) {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1');
  cluster.object('resource_created', { kind: 'PriorityClass', name: 'payments-critical', namespace: null, uid: 'pc-2' }, 'PriorityClass payments-critical exists');
  const api = cluster.workload('payments', 'payments-api', { replicas: 2, nodes: ['node-1'] });
  cluster.advance(60);
  const pods = cluster.rollout(api, 'changed', undefined, paths);
  const change = cluster.events.find((event) => event.type === 'workload_spec_changed') as UnifiedEvent;
  cluster.advance(360);
  const preempted = cluster.signal('pod_preempted', pods[0] as EntityRef, { annotations: cause });
  const state = new WorkingState();
  let restart;
  for (const event of cluster.events) {
    const added = state.add(event);
    if (event === change) restart = added?.indexed;
  }
  if (!restart) throw new Error('the template change was not indexed');
  return { state, restart, api, until: Date.parse(preempted.timestamp), priorityClass: cluster.key(cluster.ref('PriorityClass', 'payments-critical', null)) };
}

describe('a restart reveals what stopped the pods it made', () => {
  it('names the PriorityClass a new pod was preempted under, not the restart', () => {
    const { state, restart, until, priorityClass } = restarted([RESTARTED_AT]);
    expect(isRestartOnly(restart)).toBe(true);
    expect(causeRevealedByRestart(state, restart, until)).toBe(priorityClass);
  });

  it('leaves a release that changed what the pods run to be judged as one', () => {
    const { state, restart, until } = restarted([RESTARTED_AT, 'spec.containers[api].image']);
    expect(isRestartOnly(restart)).toBe(false);
    expect(causeRevealedByRestart(state, restart, until)).toBeUndefined();
  });

  it('names nothing when no report after the restart names a cause, or only the workload itself', () => {
    const none = restarted([RESTARTED_AT], {});
    expect(causeRevealedByRestart(none.state, none.restart, none.until)).toBeUndefined();
    const before = restarted([RESTARTED_AT]);
    expect(causeRevealedByRestart(before.state, before.restart, before.until - 1)).toBeUndefined();
  });
});
