import { describe, expect, it } from 'vitest';
import { RawEvent } from './raw-event.js';

describe('RawEvent', () => {
  it('accepts the recorded kubeapi shape and defaults metadata', () => {
    const parsed = RawEvent.parse({ timestamp: '2026-03-02T10:00:00Z', type: 'ADDED', source: 'kubeapi', data: { type: 'ADDED' } });
    expect(parsed.metadata).toEqual({});
  });

  it("normalises seed 001's trace_id / span_id spelling", () => {
    const parsed = RawEvent.parse({ timestamp: '2024-01-10T10:30:00Z', type: 'pod_created', source: 'kubeapi', data: '...', trace_id: 'trace-123', span_id: 'span-456' });
    expect(parsed.traceId).toBe('trace-123');
    expect(parsed.spanId).toBe('span-456');
    expect(parsed).not.toHaveProperty('trace_id');
  });

  it('rejects a missing source and a non-RFC3339 timestamp, naming the fields', () => {
    const result = RawEvent.safeParse({ timestamp: 'yesterday', type: 'x', data: {} });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['timestamp', 'source']));
  });
});
