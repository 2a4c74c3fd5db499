import { entityKey, type UnifiedEvent } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { eventStatement } from './event-statements.js';

const pod = (name: string) => ({ cluster: 'c', kind: 'Pod', namespace: 'ns', name });
const event = (id: string, name: string, timestamp: string): UnifiedEvent =>
  ({ id, type: 'pod_restart', timestamp, processedAt: timestamp, source: 'kubeapi', severity: 'warning', message: id, semantic: { intent: 'x', category: 'y', narrative: id }, entity: pod(name) }) as unknown as UnifiedEvent;

describe('eventStatement', () => {
  const events = [event('e1', 'a', '2026-01-01T00:00:01Z'), event('e2', 'b', '2026-01-01T00:00:02Z'), event('e3', 'a', '2026-01-01T00:00:03Z')];

  it('looks stored ids up only when careful', () => {
    expect(eventStatement(events, true).text).toContain('OPTIONAL MATCH (known:Event {id: row.id})');
    expect(eventStatement(events, false).text).not.toContain('known');
  });

  it('asks for no follow-up when every resource was found', () => {
    expect(eventStatement(events, false).followUp?.([])).toEqual([]);
  });

  it('makes the missing resources stubs from the first event naming them, then their AFFECTS edges', () => {
    const key = entityKey(pod('a'));
    const followUp = eventStatement(events, false).followUp?.([{ id: 'e1', key }, { id: 'e3', key }]) ?? [];
    expect(followUp).toHaveLength(2);
    const [stubs, edges] = followUp;
    expect(stubs?.text).toContain('MERGE (r:Resource {key: row.key}) ON CREATE SET r = row.props, r:Pod');
    const rows = stubs?.params.rows as { key: string; props: Record<string, unknown> }[];
    expect(rows.map((row) => [row.key, row.props.updated_at_text, row.props.stub])).toEqual([[key, '2026-01-01T00:00:01Z', true]]);
    expect(edges?.params.rows).toEqual([{ id: 'e1', key }, { id: 'e3', key }]);
  });
});
