import { describe, expect, it } from 'vitest';
import { FailureBook, type FailureRecord, type FailureStore } from './failure-book.js';

/** A store as NatsFailureStore keeps it (the real one is tested on nats-server: test/failure-counting.test.ts). */
class MapStore implements FailureStore {
  readonly records = new Map<string, FailureRecord>();
  gets = 0;
  async load(stream: string, durable: string) {
    return new Map([...this.records].filter(([key]) => key.startsWith(`${stream}/${durable}/`)));
  }
  async get(key: string) {
    this.gets += 1;
    return this.records.get(key);
  }
  async put(key: string, record: FailureRecord) {
    this.records.set(key, record);
  }
  async remove(key: string) {
    this.records.delete(key);
  }
}

describe('FailureBook', () => {
  const limits = { maxFailures: 3, maxDeliver: 10 };
  const key = FailureBook.key('TAPIO_RAW', 'transformer', 42);

  it('recalls a redelivery with the count known here when the store cannot be read (a timeout), instead of failing the handler', async () => {
    const store = new MapStore();
    store.get = () => Promise.reject(new Error('TIMEOUT'));
    const book = new FailureBook();
    book.attach(store);
    book.fail(FailureBook.key('TAPIO_RAW', 'transformer', 7), 'counted here');
    await expect(book.recall(key, 2)).resolves.toBeUndefined();
    expect(book.refusal(key, 2, limits, 'h')).toBeUndefined();
  });

  it('reports a store that refuses a read, a write or a removal, and keeps counting here', async () => {
    const store = new MapStore();
    store.get = () => Promise.reject(new Error('TIMEOUT'));
    store.put = () => Promise.reject(new Error('no responders'));
    store.remove = () => Promise.reject(new Error('stream not found'));
    const reported: string[] = [];
    const book = new FailureBook(10, (operation, failed, error) => reported.push(`${operation} ${failed}: ${error.message}`));
    book.attach(store);
    await book.recall(key, 2);
    expect(await book.failDurably(key, 'first')).toBe(1);
    expect(await book.failDurably(key, 'second')).toBe(2);
    book.forget(key);
    await new Promise((resolve) => setImmediate(resolve));
    expect(reported).toEqual([`get ${key}: TIMEOUT`, `put ${key}: no responders`, `put ${key}: no responders`, `remove ${key}: stream not found`]);
  });

  it('counts failures per message and refuses it once they reach maxFailures, with the last reason', () => {
    const book = new FailureBook();
    expect(book.refusal(key, 1, limits, 'raw handler of transformer')).toBeUndefined();
    expect(book.fail(key, 'first')).toBe(1);
    expect(book.fail(key, 'second')).toBe(2);
    expect(book.refusal(key, 3, limits, 'raw handler of transformer')).toBeUndefined();
    expect(book.fail(key, 'did not answer')).toBe(3);
    expect(book.refusal(key, 4, limits, 'raw handler of transformer')).toBe('raw handler of transformer failed 3 times; last failure: did not answer');
    expect(book.fail(FailureBook.key('TAPIO_RAW', 'transformer', 43), 'other')).toBe(1);
  });

  it('does not count deliveries: a message delivered 9 times without a failure passes, the 11th delivery is refused by the backstop', () => {
    const book = new FailureBook();
    expect(book.refusal(key, 9, limits, 'h')).toBeUndefined();
    expect(book.refusal(key, 10, limits, 'h')).toBeUndefined();
    expect(book.refusal(key, 11, limits, 'h')).toMatch(/^h never answered 10 deliveries \(consume\.maxDeliver: .*crashes its consumer\)$/);
    book.fail(key, 'boom');
    expect(book.refusal(key, 11, limits, 'h')).toMatch(/; last failure: boom$/);
  });

  it('forgets a settled message, and the oldest beyond its limit', () => {
    const book = new FailureBook(2);
    book.fail('a', 'x');
    book.fail('b', 'x');
    book.fail('a', 'x');
    book.fail('c', 'x');
    expect(book.get('b')).toBeUndefined();
    expect(book.get('a')?.count).toBe(2);
    book.forget('a');
    expect(book.size).toBe(1);
  });

  it('with a store: a failure is stored before it resolves, a new book goes on from the stored count (at start or at a redelivery), a settled message leaves the store', async () => {
    const store = new MapStore();
    const first = new FailureBook();
    first.attach(store);
    expect(await first.failDurably(key, 'first')).toBe(1);
    expect(await first.failDurably(key, 'second')).toBe(2);
    expect(store.records.get(key)).toEqual({ count: 2, lastReason: 'second' });

    // The process died: the next one reads the counts when its consumer starts.
    const next = new FailureBook();
    next.attach(store);
    await next.load('TAPIO_RAW', 'transformer');
    expect(next.get(key)?.count).toBe(2);
    expect(await next.failDurably(key, 'third')).toBe(3);
    expect(next.refusal(key, 4, limits, 'raw handler of transformer')).toBe('raw handler of transformer failed 3 times; last failure: third');

    // Another process of the group: a redelivery it has no count for is read from the store; a first delivery is not (no read on the hot path).
    const other = new FailureBook();
    other.attach(store);
    expect(other.recall(key, 1)).toBeUndefined();
    await other.recall(key, 5);
    expect(other.get(key)?.count).toBe(3);
    expect(other.recall(key, 6)).toBeUndefined();
    expect(store.gets).toBe(1);
    other.forget(key);
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.records.has(key)).toBe(false);
  });
});
