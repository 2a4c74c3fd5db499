import { REDACTED_VALUE, type RawEvent } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { rawEventId } from './event-id.js';
import { rawForBus } from './raw-for-bus.js';

const raw = (data: unknown): RawEvent => ({ timestamp: '2026-03-02T10:00:00Z', type: 'MODIFIED', source: 'kubeapi', data, metadata: {} }) as RawEvent;

describe('rawForBus', () => {
  it('redacts a Secret value and ids the redacted event, so the value never shapes the id', () => {
    const secret = (password: string) => raw({ object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, data: { password } } });
    const first = rawForBus(secret('aHVudGVyMg=='));
    expect(JSON.stringify(first.event)).not.toContain('aHVudGVyMg==');
    expect((first.event.data as { object: { data: { password: string } } }).object.data.password).toBe(REDACTED_VALUE);
    expect(first.id).toBe(rawEventId(first.event));
    expect(rawForBus(secret('bGV0bWVpbg==')).id).toBe(first.id);
  });

  it('passes an event with nothing to redact through as it is', () => {
    const pod = raw({ object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'api-0' } } });
    const taken = rawForBus(pod);
    expect(taken.event).toBe(pod);
    expect(taken.id).toBe(rawEventId(pod));
  });
});
