import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_REASON_TABLE } from './event-reasons.js';

describe('docs/kubeapi-events.md', () => {
  it('lists exactly the reasons of EVENT_REASON_TABLE with their types', () => {
    const text = readFileSync(new URL('../../../../../docs/kubeapi-events.md', import.meta.url), 'utf8');
    const rows = [...text.matchAll(/^\| `([A-Za-z]+)` \| `([a-z_]+)` \|/gm)].map(([, reason, type]) => [reason, type]);
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(Object.entries(EVENT_REASON_TABLE).map(([reason, mapping]) => [reason, mapping.type])));
  });
});
