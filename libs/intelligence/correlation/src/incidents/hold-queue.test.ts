import { describe, expect, it } from 'vitest';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { compiled, indexAll, mustMatch } from '../../test/support/units.js';
import { HoldQueue } from './hold-queue.js';

const outage = compiled('outage', {
  conditions: [{ field: 'type', operator: 'equals', value: 'service_unavailable' }],
  holdFor: '2m',
  clearedBy: [{ field: 'type', operator: 'equals', value: 'service_restored' }],
});
const MINUTE = 60_000;

/** Services losing (and maybe regaining) their endpoints. */
function services(count = 2) {
  const cluster = new ClusterFixture();
  const refs = Array.from({ length: count }, (_, index) => cluster.ref('Service', `svc-${index}`, 'shop'));
  return { cluster, refs };
}

describe('HoldQueue', () => {
  it('releases a match when its hold has ended in event time, not before', () => {
    const { cluster, refs } = services(1);
    const down = cluster.signal('service_unavailable', refs[0]!);
    const { state, indexed } = indexAll(cluster.events);
    const queue = new HoldQueue();
    const match = mustMatch(outage, indexed(down), state);
    expect(queue.hold(match, outage.holdMs ?? 0, indexed(down))).toBeUndefined();
    expect(queue.releaseDue(indexed(down).at + MINUTE)).toEqual([]);
    expect(queue.size).toBe(1);
    expect(queue.releaseDue(indexed(down).at + 2 * MINUTE)).toEqual([match]);
    expect(queue.size).toBe(0);
  });

  it('holds one match per pattern and entity: a repeat changes nothing', () => {
    const { cluster, refs } = services(2);
    const first = cluster.signal('service_unavailable', refs[0]!);
    cluster.advance(30);
    const repeat = cluster.signal('service_unavailable', refs[0]!);
    const other = cluster.signal('service_unavailable', refs[1]!);
    const { state, indexed } = indexAll(cluster.events);
    const queue = new HoldQueue();
    for (const event of [first, repeat, other]) queue.hold(mustMatch(outage, indexed(event), state), 2 * MINUTE, indexed(event));
    expect(queue.size).toBe(2);
    // The first one's hold counts, not the repeat's.
    expect(queue.releaseDue(indexed(first).at + 2 * MINUTE).map((match) => match.trigger.event.id)).toEqual([first.id]);
  });

  it('drops a match its clearing event shows is over, only on the same entity and after the trigger', () => {
    const { cluster, refs } = services(2);
    const restoredBefore = cluster.signal('service_restored', refs[0]!);
    cluster.advance(10);
    const down = cluster.signal('service_unavailable', refs[0]!);
    const downOther = cluster.signal('service_unavailable', refs[1]!);
    cluster.advance(30);
    const restored = cluster.signal('service_restored', refs[0]!);
    const unrelated = cluster.signal('pod_restart', refs[1]!);
    const { state, indexed } = indexAll(cluster.events);
    const queue = new HoldQueue();
    queue.hold(mustMatch(outage, indexed(down), state), 2 * MINUTE, indexed(down));
    queue.hold(mustMatch(outage, indexed(downOther), state), 2 * MINUTE, indexed(downOther));
    queue.clear(indexed(restoredBefore));
    queue.clear(indexed(unrelated));
    expect(queue.size).toBe(2);
    queue.clear(indexed(restored));
    expect(queue.size).toBe(1);
    expect(queue.releaseDue(Number.POSITIVE_INFINITY).map((match) => match.trigger.event.id)).toEqual([downOther.id]);
    // Cleared, it can be held again.
    expect(queue.hold(mustMatch(outage, indexed(down), state), 2 * MINUTE, indexed(down))).toBeUndefined();
    expect(queue.size).toBe(1);
  });

  it('when full, hands back the oldest held match to be reported now instead of losing it', () => {
    const { cluster, refs } = services(4);
    const downs = refs.map((ref) => {
      cluster.advance(1);
      return cluster.signal('service_unavailable', ref);
    });
    const { state, indexed } = indexAll(cluster.events);
    const queue = new HoldQueue(3);
    const early = downs.map((event) => queue.hold(mustMatch(outage, indexed(event), state), 2 * MINUTE, indexed(event)));
    expect(early.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(early[3]?.trigger.event.id).toBe(downs[0]!.id);
    expect(queue.size).toBe(3);
    expect(queue.releaseDue(Number.POSITIVE_INFINITY).map((match) => match.trigger.event.id)).toEqual(downs.slice(1).map((event) => event.id));
  });

  it('releases matches due at once oldest first, and a match held again after clearing at its new time, once', () => {
    const { cluster, refs } = services(3);
    const downs = refs.map((ref) => cluster.signal('service_unavailable', ref));
    cluster.advance(10);
    const restored = cluster.signal('service_restored', refs[0]!);
    cluster.advance(10);
    const downAgain = cluster.signal('service_unavailable', refs[0]!);
    const { state, indexed } = indexAll(cluster.events);
    const queue = new HoldQueue();
    for (const event of downs) queue.hold(mustMatch(outage, indexed(event), state), 2 * MINUTE, indexed(event));
    queue.clear(indexed(restored));
    queue.hold(mustMatch(outage, indexed(downAgain), state), 2 * MINUTE, indexed(downAgain));
    // The first hold of svc-0 was cleared: its old release time passes without it.
    expect(queue.releaseDue(indexed(downs[0]!).at + 2 * MINUTE).map((match) => match.trigger.event.id)).toEqual([downs[1]!.id, downs[2]!.id]);
    expect(queue.releaseDue(indexed(downAgain).at + 2 * MINUTE - 1)).toEqual([]);
    expect(queue.releaseDue(indexed(downAgain).at + 2 * MINUTE).map((match) => match.trigger.event.id)).toEqual([downAgain.id]);
    expect(queue.releaseDue(Number.POSITIVE_INFINITY)).toEqual([]);
    expect(queue.size).toBe(0);
  });

  it('stays correct when one trouble flaps far more often than the queue holds', () => {
    const { cluster, refs } = services(2);
    const steady = cluster.signal('service_unavailable', refs[1]!);
    const flaps: Array<[ReturnType<typeof cluster.signal>, ReturnType<typeof cluster.signal>]> = [];
    for (let round = 0; round < 3000; round += 1) {
      cluster.advance(0.01);
      flaps.push([cluster.signal('service_unavailable', refs[0]!), cluster.signal('service_restored', refs[0]!)]);
    }
    const { state, indexed } = indexAll(cluster.events);
    const queue = new HoldQueue(10);
    queue.hold(mustMatch(outage, indexed(steady), state), 2 * MINUTE, indexed(steady));
    for (const [down, up] of flaps) {
      expect(queue.hold(mustMatch(outage, indexed(down), state), 2 * MINUTE, indexed(down))).toBeUndefined();
      queue.clear(indexed(up));
    }
    expect(queue.size).toBe(1);
    expect(queue.releaseDue(Number.POSITIVE_INFINITY).map((match) => match.trigger.event.id)).toEqual([steady.id]);
  });
});
