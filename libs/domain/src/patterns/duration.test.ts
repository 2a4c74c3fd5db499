import { describe, expect, it } from 'vitest';
import { Duration, parseDuration } from '@tapio/plugin-api';

describe('durations', () => {
  it('parses simple and compound durations', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('3650d')).toBe(3650 * 86_400_000);
  });

  it('refuses absurd durations, which overflowed timers and dates', () => {
    for (const text of ['3651d', '99999999999999999999d', `${'9'.repeat(400)}d`]) {
      expect(() => parseDuration(text), text).toThrow(/is longer than the longest accepted, 3650d/);
      expect(Duration.safeParse(text).success).toBe(false);
    }
  });
});
