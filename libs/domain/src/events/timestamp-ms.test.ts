import { describe, expect, it } from 'vitest';
import { timestampMs } from './timestamp-ms.js';

describe('timestampMs', () => {
  it('gives what Date.parse gives, for the same text twice and for texts in turn', () => {
    const texts = ['2026-03-02T10:00:00Z', '2026-03-02T10:00:00.123Z', 'not a time', '2026-03-02T10:00:00+02:00', '', '2026-03-02T10:00:00Z'];
    for (const text of [...texts, ...texts.reverse()]) {
      const expected = Date.parse(text);
      expect(Object.is(timestampMs(text), expected)).toBe(true);
      expect(Object.is(timestampMs(text), expected)).toBe(true);
    }
  });

  it('tells apart texts that differ only late (an equal string built separately is the same text)', () => {
    const built = ['2026-03-02T10:00:0', '1Z'].join('');
    expect(timestampMs('2026-03-02T10:00:00Z')).toBe(Date.parse('2026-03-02T10:00:00Z'));
    expect(timestampMs(built)).toBe(Date.parse('2026-03-02T10:00:01Z'));
    expect(timestampMs('2026-03-02T10:00:01Z')).toBe(Date.parse('2026-03-02T10:00:01Z'));
  });
});
