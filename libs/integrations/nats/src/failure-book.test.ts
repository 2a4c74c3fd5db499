import { describe, expect, it } from 'vitest';
import { FailureBook } from './failure-book.js';

describe('FailureBook', () => {
  const limits = { maxFailures: 3, maxDeliver: 10 };
  const key = FailureBook.key('TAPIO_RAW', 'transformer', 42);

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
});
