import { describe, expect, it } from 'vitest';
import { InputLimits, RawEvent, type DeadLetter, type DeadLetterSink } from '@tapio/domain';
import { Pipeline } from './pipeline.js';
import { seedMappingTransformers } from './transformers/seed-mapping.js';

function collectingSink(): DeadLetterSink & { entries: DeadLetter[] } {
  const entries: DeadLetter[] = [];
  return { entries, put: (entry) => void entries.push(entry), count: () => entries.length, recent: (limit) => entries.slice(-limit) };
}

const POD = { pod: 'web-1', namespace: 'shop', phase: 'Running' };
const NOW = Date.parse('2026-03-02T12:00:00Z');

function subject(limits = InputLimits.parse({})) {
  const deadLetters = collectingSink();
  const pipeline = new Pipeline({ transformers: seedMappingTransformers, deadLetters, cluster: 'demo', limits, clock: { now: () => NOW } });
  return { pipeline, deadLetters };
}

function nested(depth: number): unknown {
  const root: Record<string, unknown> = {};
  let current = root;
  for (let level = 1; level < depth; level += 1) {
    const next: Record<string, unknown> = {};
    current['a'] = next;
    current = next;
  }
  return root;
}

const kubelet = (data: unknown, timestamp = '2026-03-02T11:59:00Z', metadata: Record<string, string> = { node: 'node-1' }): RawEvent =>
  RawEvent.parse({ timestamp, type: 'PodStatusUpdate', source: 'kubelet', metadata, data });

describe('Pipeline input limits', () => {
  it('refuses a RawEvent nested 4,000 deep with the reason, instead of overflowing the stack in its content id', () => {
    const { pipeline, deadLetters } = subject();
    const result = pipeline.transform(kubelet(nested(4000)), 'recording.ndjson:7');
    expect(result).toMatchObject({ ok: false, stage: 'validate' });
    expect(deadLetters.entries[0]).toMatchObject({ stage: 'validate', origin: 'recording.ndjson:7', source: 'kubelet' });
    expect(deadLetters.entries[0]?.reason).toBe('data nests deeper than the limit of 100 levels (limits.maxDepth)');
    // The pipeline goes on.
    expect(pipeline.transform(kubelet(POD)).ok).toBe(true);
  });

  it('accepts the deepest value the limit allows, and refuses one level more', () => {
    const limits = InputLimits.parse({ maxDepth: 20 });
    // The RawEvent is level 1 and its data level 2, so a value inside data may nest 18 deep.
    expect(subject(limits).pipeline.transform(kubelet({ ...POD, extra: nested(18) })).ok).toBe(true);
    expect(subject(limits).pipeline.transform(kubelet({ ...POD, extra: nested(19) })).ok).toBe(false);
  });

  it('refuses a line longer than maxLineBytes before parsing it', () => {
    const { pipeline, deadLetters } = subject(InputLimits.parse({ maxLineBytes: 2048 }));
    const line = JSON.stringify({ timestamp: '2026-03-02T11:00:00Z', type: 't', source: 'kubelet', data: { pad: 'x'.repeat(4000) } });
    expect(pipeline.processLine(line, 'big.ndjson:1')).toMatchObject({ ok: false, stage: 'decode' });
    expect(deadLetters.entries[0]?.reason).toMatch(/^line of \d+ bytes is longer than the limit of 2048 \(limits\.maxLineBytes\)$/);
    expect(String(deadLetters.entries[0]?.payload).length).toBeLessThanOrEqual(1024);
  });

  it('refuses more metadata keys or object labels than maxLabels', () => {
    const limits = InputLimits.parse({ maxLabels: 10 });
    const many = Object.fromEntries(Array.from({ length: 11 }, (_, n) => [`k${n}`, 'v']));
    const { pipeline, deadLetters } = subject(limits);
    expect(pipeline.transform(kubelet({ pod: 'a' }, undefined, many)).ok).toBe(false);
    expect(deadLetters.entries[0]?.reason).toBe('metadata has 11 keys, more than the limit of 10 (limits.maxLabels)');
    const labelled = RawEvent.parse({ timestamp: '2026-03-02T11:00:00Z', type: 'ADDED', source: 'kubelet', data: { object: { metadata: { labels: many } } } });
    expect(pipeline.transform(labelled).ok).toBe(false);
    expect(deadLetters.entries[1]?.reason).toBe('the object has 11 labels, more than the limit of 10 (limits.maxLabels)');
  });

  it('refuses an event dated further ahead of the clock than maxFutureSkew, and accepts one within it', () => {
    const { pipeline, deadLetters } = subject(InputLimits.parse({ maxFutureSkew: '15m' }));
    expect(pipeline.transform(kubelet(POD, '2026-03-02T12:14:00Z')).ok).toBe(true);
    expect(pipeline.transform(kubelet(POD, '9999-01-01T00:00:00Z')).ok).toBe(false);
    expect(deadLetters.entries[0]?.reason).toMatch(/^timestamp 9999-01-01T00:00:00Z is \d+ s ahead of this machine's clock, more than the limit of 15m \(limits\.maxFutureSkew\)$/);
  });
});
