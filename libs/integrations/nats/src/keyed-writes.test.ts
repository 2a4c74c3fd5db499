import { describe, expect, it } from 'vitest';
import { OrderedKeyWrites } from './keyed-writes.js';

/** A send whose outcome the test decides, one call at a time. */
function controlledSend() {
  const calls: Array<{ subject: string; value: string; resolve: () => void; reject: (error: Error) => void }> = [];
  const send = (subject: string, payload: Uint8Array) =>
    new Promise<void>((resolve, reject) => calls.push({ subject, value: new TextDecoder().decode(payload), resolve, reject }));
  return { calls, send };
}

const bytes = (text: string) => new TextEncoder().encode(text);
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('OrderedKeyWrites', () => {
  it('sends different keys at once, and a key again only after its write in flight was stored, with the newest value', async () => {
    const { calls, send } = controlledSend();
    const writes = new OrderedKeyWrites(send);
    const done: string[] = [];
    void writes.write('a', bytes('a1')).then(() => done.push('a1'));
    void writes.write('b', bytes('b1')).then(() => done.push('b1'));
    void writes.write('a', bytes('a2')).then(() => done.push('a2'));
    void writes.write('a', bytes('a3')).then(() => done.push('a3'));
    expect(calls.map((call) => call.value)).toEqual(['a1', 'b1']);
    expect(writes.coalesced).toBe(1);
    calls[1]?.resolve();
    await settled();
    expect(done).toEqual(['b1']);
    calls[0]?.resolve();
    await settled();
    // a2 was replaced by a3 before it was sent: one send of a3 answers both.
    expect(calls.map((call) => call.value)).toEqual(['a1', 'b1', 'a3']);
    expect(done).toEqual(['b1', 'a1']);
    calls[2]?.resolve();
    await settled();
    expect(done).toEqual(['b1', 'a1', 'a2', 'a3']);
    expect(writes.pending).toBe(0);
  });

  it('fails the callers of a value that failed for good, and still sends the value queued behind it', async () => {
    const { calls, send } = controlledSend();
    const writes = new OrderedKeyWrites(send);
    const first = writes.write('k', bytes('v1'));
    const second = writes.write('k', bytes('v2'));
    calls[0]?.reject(new Error('refused'));
    await expect(first).rejects.toThrow('refused');
    await settled();
    expect(calls.map((call) => call.value)).toEqual(['v1', 'v2']);
    calls[1]?.resolve();
    await expect(second).resolves.toBeUndefined();
    expect(writes.pending).toBe(0);
  });

  it('says which key has waited longest for the server, counting from when its current value was sent', async () => {
    const { calls, send } = controlledSend();
    const writes = new OrderedKeyWrites(send);
    expect(writes.oldest()).toBeUndefined();
    const start = Date.now();
    void writes.write('a', bytes('a1'));
    void writes.write('a', bytes('a2'));
    void writes.write('b', bytes('b1'));
    expect(writes.oldest(start + 5_000)?.subject).toBe('a');
    expect(writes.oldest(start + 5_000)?.waitingMs).toBeGreaterThanOrEqual(5_000 - (Date.now() - start));
    await new Promise((resolve) => setTimeout(resolve, 20));
    calls[0]?.resolve();
    await settled();
    // a2 went out just now: b1 has waited longest.
    expect(calls.map((call) => call.value)).toEqual(['a1', 'b1', 'a2']);
    expect(writes.oldest()?.subject).toBe('b');
    calls[1]?.resolve();
    calls[2]?.resolve();
    await settled();
    expect(writes.oldest()).toBeUndefined();
  });
});
