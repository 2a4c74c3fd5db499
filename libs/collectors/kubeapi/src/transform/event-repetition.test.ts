import { describe, expect, it } from 'vitest';
import { MIN_RETELL_MS, oneLine, REPEATING_SECONDS, repetitionAnnotation, retellAfterMs } from './event-repetition.js';

describe('repetitionAnnotation', () => {
  it('gives the whole seconds between the first and the last occurrence of a repeated Event', () => {
    expect(repetitionAnnotation(16, '2026-12-06T11:03:11Z', '2026-12-06T11:05:16.900Z')).toEqual({ [REPEATING_SECONDS]: '125' });
  });

  it('says nothing of an Event that happened once', () => {
    expect(repetitionAnnotation(1, '2026-12-06T11:03:11Z', '2026-12-06T11:03:11Z')).toEqual({});
  });

  it('says nothing when a time is missing, unreadable or runs backwards', () => {
    expect(repetitionAnnotation(4, undefined, '2026-12-06T11:03:11Z')).toEqual({});
    expect(repetitionAnnotation(4, '2026-12-06T11:03:11Z', undefined)).toEqual({});
    expect(repetitionAnnotation(4, 'yesterday', '2026-12-06T11:03:11Z')).toEqual({});
    expect(repetitionAnnotation(4, '2026-12-06T11:03:11Z', '2026-12-06T11:03:01Z')).toEqual({});
  });
});

describe('retellAfterMs', () => {
  const first = Date.parse('2026-12-06T11:00:00Z');

  it('tells a still-repeating Event again once its span grew by half', () => {
    expect(retellAfterMs(first + 84_000, first, 600_000)).toBe(42_000);
    expect(retellAfterMs(first + 400_000, first, 600_000)).toBe(200_000);
  });

  it('waits at least MIN_RETELL_MS, at most the refold interval', () => {
    expect(retellAfterMs(first + 10_000, first, 600_000)).toBe(MIN_RETELL_MS);
    expect(retellAfterMs(first + 3_600_000, first, 600_000)).toBe(600_000);
  });

  it('without a first occurrence, by the least interval', () => {
    expect(retellAfterMs(first, Number.NaN, 600_000)).toBe(MIN_RETELL_MS);
  });
});

describe('oneLine', () => {
  it('joins a probe output spanning lines into one line and drops its trailing newline', () => {
    expect(oneLine("Readiness probe failed: wget: can't connect to remote host (10.96.80.53): Connection refused\n")).toBe("Readiness probe failed: wget: can't connect to remote host (10.96.80.53): Connection refused");
    expect(oneLine('Liveness probe failed: HTTP probe failed with statuscode: 500\r\n  body: oops\n')).toBe('Liveness probe failed: HTTP probe failed with statuscode: 500 body: oops');
  });

  it('leaves a one-line message as it is', () => {
    expect(oneLine('Back-off restarting failed container app  ')).toBe('Back-off restarting failed container app  ');
  });
});
