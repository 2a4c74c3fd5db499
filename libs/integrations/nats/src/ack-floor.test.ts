import type { JetStreamManager } from '@nats-io/jetstream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AckFloor, FLOOR_REFRESH_BUSY_MS, FLOOR_REFRESH_IDLE_MS } from './ack-floor.js';

/** A manager whose consumer info answers the floors given, one per read (an Error: the read fails). */
function managerAnswering(floors: Array<number | Error>): { jsm: JetStreamManager; reads: () => number } {
  let reads = 0;
  const info = async (stream: string, durable: string) => {
    expect([stream, durable]).toEqual(['RAW', 'transformer']);
    const next = floors[Math.min(reads, floors.length - 1)] as number | Error;
    reads += 1;
    if (next instanceof Error) throw next;
    return { ack_floor: { stream_seq: next } };
  };
  return { jsm: { consumers: { info } } as unknown as JetStreamManager, reads: () => reads };
}

describe('AckFloor: the acknowledgement floor, read often while messages arrive and seldom while none do', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reads at once, then once a second while idle', async () => {
    const { jsm, reads } = managerAnswering([3, 5, 8]);
    const floor = new AckFloor('RAW', 'transformer');
    await floor.refresh(jsm);
    expect([floor.settled, reads()]).toEqual([3, 1]);
    await vi.advanceTimersByTimeAsync(FLOOR_REFRESH_IDLE_MS - 10);
    expect(reads()).toBe(1);
    await vi.advanceTimersByTimeAsync(10);
    expect([floor.settled, reads()]).toEqual([5, 2]);
    floor.stop();
  });

  it('reads again within a tenth of a second after a delivery, and slows down once deliveries stop', async () => {
    const { jsm, reads } = managerAnswering([1, 2, 3, 4, 5]);
    const floor = new AckFloor('RAW', 'transformer');
    await floor.refresh(jsm);
    // The first delivery after a quiet spell does not wait out the idle pace.
    floor.noteDelivery();
    await vi.advanceTimersByTimeAsync(FLOOR_REFRESH_BUSY_MS);
    expect([floor.settled, reads()]).toEqual([2, 2]);
    floor.noteDelivery();
    await vi.advanceTimersByTimeAsync(FLOOR_REFRESH_BUSY_MS);
    // That read saw a delivery: the next comes a tenth later, sees none, and waits a second.
    expect(reads()).toBe(3);
    await vi.advanceTimersByTimeAsync(FLOOR_REFRESH_BUSY_MS);
    expect(reads()).toBe(4);
    await vi.advanceTimersByTimeAsync(FLOOR_REFRESH_IDLE_MS - 10);
    expect(reads()).toBe(4);
    await vi.advanceTimersByTimeAsync(10);
    expect([floor.settled, reads()]).toEqual([5, 5]);
    floor.stop();
  });

  it('keeps the floor it had when a read fails, and reads nothing after stop', async () => {
    const { jsm, reads } = managerAnswering([7, new Error('server away'), 9]);
    const floor = new AckFloor('RAW', 'transformer');
    await floor.refresh(jsm);
    await vi.advanceTimersByTimeAsync(FLOOR_REFRESH_IDLE_MS);
    expect([floor.settled, reads()]).toEqual([7, 2]);
    floor.stop();
    await vi.advanceTimersByTimeAsync(10 * FLOOR_REFRESH_IDLE_MS);
    expect([floor.settled, reads()]).toEqual([7, 2]);
  });
});
