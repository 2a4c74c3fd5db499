import { describe, expect, it } from 'vitest';
import { WriteBuffer } from './write-buffer.js';
import type { WriteOp } from './write-op.js';

const op = (n: number): WriteOp => ({ kind: 'pattern', pattern: { patternId: `p${n}`, baseConfidence: 0.5, confidence: 0.5, accuracy: null, feedbackCount: 0, accurateCount: 0, matches: n, status: 'learning' } });
const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('WriteBuffer', () => {
  it('holds ops in order until committed', async () => {
    const buffer = new WriteBuffer(10);
    await buffer.add([op(1), op(2), op(3)]);
    expect(buffer.peek(2)).toEqual([op(1), op(2)]);
    buffer.commit(2);
    expect(buffer.peek(5)).toEqual([op(3)]);
    expect(buffer.size).toBe(1);
  });

  it('makes writers wait while full and lets them in as commits free room', async () => {
    const buffer = new WriteBuffer(2);
    let done = false;
    const adding = buffer.add([op(1), op(2), op(3), op(4), op(5)]).then(() => {
      done = true;
    });
    await tick();
    expect(done).toBe(false);
    expect(buffer.size).toBe(2);
    buffer.commit(2);
    await tick();
    expect(buffer.peek(10)).toEqual([op(3), op(4)]);
    buffer.commit(2);
    await adding;
    expect(done).toBe(true);
    expect(buffer.peek(10)).toEqual([op(5)]);
  });

  it('drained() waits for what was accepted before the call, not after', async () => {
    const buffer = new WriteBuffer(100);
    await buffer.add([op(1), op(2)]);
    let drained = false;
    const waiting = buffer.drained().then(() => {
      drained = true;
    });
    await buffer.add([op(3)]);
    buffer.commit(1);
    await tick();
    expect(drained).toBe(false);
    buffer.commit(1);
    await waiting;
    expect(drained).toBe(true);
    expect(buffer.size).toBe(1);
    await expect(new WriteBuffer(1).drained()).resolves.toBeUndefined();
  });

  it('wakes a waiting writer loop when data arrives', async () => {
    const buffer = new WriteBuffer(5);
    let woke = false;
    const waiting = buffer.whenData().then(() => {
      woke = true;
    });
    await tick();
    expect(woke).toBe(false);
    await buffer.add([op(1)]);
    await waiting;
    expect(woke).toBe(true);
  });
});
