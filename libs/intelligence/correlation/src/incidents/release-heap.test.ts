import { describe, expect, it } from 'vitest';
import { ReleaseHeap } from './release-heap.js';

interface Entry {
  releaseAt: number;
  seq: number;
}

function drain(heap: ReleaseHeap<Entry>, nowMs: number): Entry[] {
  const out: Entry[] = [];
  for (let entry = heap.popDue(nowMs); entry; entry = heap.popDue(nowMs)) out.push(entry);
  return out;
}

describe('ReleaseHeap', () => {
  it('pops only what is due, earliest first, ties in the order held', () => {
    const heap = new ReleaseHeap<Entry>();
    const times = [50, 10, 30, 10, 70, 20, 30, 60, 40];
    times.forEach((releaseAt, seq) => heap.push({ releaseAt, seq }));
    expect(heap.popDue(5)).toBeUndefined();
    expect(drain(heap, 30).map((entry) => [entry.releaseAt, entry.seq])).toEqual([
      [10, 1],
      [10, 3],
      [20, 5],
      [30, 2],
      [30, 6],
    ]);
    expect(heap.size).toBe(4);
    expect(drain(heap, Number.POSITIVE_INFINITY).map((entry) => entry.releaseAt)).toEqual([40, 50, 60, 70]);
  });

  it('keeps heap order over many random pushes and pops', () => {
    const heap = new ReleaseHeap<Entry>();
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 1000;
    const pushed: Entry[] = [];
    for (let seq = 0; seq < 2000; seq += 1) {
      const entry = { releaseAt: random(), seq };
      pushed.push(entry);
      heap.push(entry);
    }
    const popped = drain(heap, 500).concat(drain(heap, Number.POSITIVE_INFINITY));
    const expected = [...pushed].sort((a, b) => a.releaseAt - b.releaseAt || a.seq - b.seq);
    expect(popped).toEqual(expected);
  });

  it('rebuilds from the entries given alone', () => {
    const heap = new ReleaseHeap<Entry>();
    const kept = { releaseAt: 20, seq: 1 };
    heap.push({ releaseAt: 10, seq: 0 });
    heap.push(kept);
    heap.rebuild([kept]);
    expect(heap.size).toBe(1);
    expect(drain(heap, Number.POSITIVE_INFINITY)).toEqual([kept]);
  });
});
