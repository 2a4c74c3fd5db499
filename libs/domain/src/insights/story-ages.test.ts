import { describe, expect, it } from 'vitest';
import { ageText, storyWithAges } from './story-ages.js';

const story = [
  '2026-03-02T10:03:12Z: ConfigMap shop/checkout-config changed: application.yaml: line 12 added: "   applePay: true"',
  '  ├─ 2026-03-02T10:05:40Z: Deployment shop/checkout pod template changed',
  '  ├─ Previous occurrence: same pattern at 2026-02-27T10:00:00Z (2 before)',
  '  └─ Next: roll back',
].join('\n');

describe('storyWithAges', () => {
  it('adds the age of the opening time and of the previous occurrence, nothing else', () => {
    const now = Date.parse('2026-03-02T10:21:30Z');
    expect(storyWithAges(story, now).split('\n')).toEqual([
      '2026-03-02T10:03:12Z (18 minutes ago): ConfigMap shop/checkout-config changed: application.yaml: line 12 added: "   applePay: true"',
      '  ├─ 2026-03-02T10:05:40Z: Deployment shop/checkout pod template changed',
      '  ├─ Previous occurrence: same pattern at 2026-02-27T10:00:00Z (3 days ago) (2 before)',
      '  └─ Next: roll back',
    ]);
  });

  it('says ages in minutes, hours, days; a time ahead of the reader is not "ago"', () => {
    const at = '2026-03-02T10:00:00Z';
    expect(ageText(at, Date.parse(at) + 20_000)).toBe('just now');
    expect(ageText(at, Date.parse(at) + 60_000)).toBe('1 minute ago');
    expect(ageText(at, Date.parse(at) + 3 * 3600_000)).toBe('3 hours ago');
    expect(ageText(at, Date.parse(at) - 3600_000)).toBe('in the future');
  });
});
