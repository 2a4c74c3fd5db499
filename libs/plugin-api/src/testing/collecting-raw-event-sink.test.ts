import { describe, expect, it } from 'vitest';
import { CollectingRawEventSink } from './collecting-raw-event-sink.js';

const event = (type: string) => ({ type, timestamp: new Date().toISOString(), source: 'test', data: {}, metadata: {} });

describe('CollectingRawEventSink', () => {
  it('resolves with the first matching event, also one emitted while waiting', async () => {
    const sink = new CollectingRawEventSink();
    await sink.emit(event('a'));
    setTimeout(() => void sink.emit(event('b')), 30);
    await expect(sink.waitFor('a b event', (e) => e.type === 'b', 2_000)).resolves.toMatchObject({ type: 'b' });
    expect(sink.matching((e) => e.type === 'a')).toHaveLength(1);
  });

  it('times out naming what it waited for and the event types that came instead', async () => {
    const sink = new CollectingRawEventSink(50);
    await sink.emit(event('a'));
    await sink.emit(event('a'));
    await expect(sink.waitFor('a c event', (e) => e.type === 'c')).rejects.toThrow('no a c event within 50 ms (2 events seen: a ×2)');
  });
});
