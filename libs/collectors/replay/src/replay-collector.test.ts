import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MemoryDeadLetters, type RawEvent, type RawEventSink } from '@tapio/domain';
import { ReplayCollector } from './replay-collector.js';

const line = (n: number) => JSON.stringify({ timestamp: new Date(Date.UTC(2026, 2, 2, 10, 0, n)).toISOString(), type: 'test', source: 'test', data: { n }, metadata: {} });

function replay(lines: string[], letters = new MemoryDeadLetters()) {
  return new ReplayCollector({ file: 'recording.ndjson', speed: 0, deadLetters: letters, input: Readable.from(lines.map((text) => `${text}\n`)) });
}

describe('ReplayCollector', () => {
  it('emits every line in recorded order, keeping many emits waiting on a slow sink at once, and counts them when they land', async () => {
    const issued: number[] = [];
    let waiting = 0;
    let mostWaiting = 0;
    const sink: RawEventSink = {
      emit: async (event: RawEvent) => {
        issued.push((event.data as { n: number }).n);
        waiting += 1;
        mostWaiting = Math.max(mostWaiting, waiting);
        await new Promise((done) => setTimeout(done, 1));
        waiting -= 1;
      },
    };
    const collector = replay(Array.from({ length: 3000 }, (_, n) => line(n)));
    await collector.start(sink);
    await collector.completion();
    expect(issued).toEqual(Array.from({ length: 3000 }, (_, n) => n));
    expect(mostWaiting).toBeGreaterThan(100);
    expect(mostWaiting).toBeLessThanOrEqual(1024);
    expect(collector.health().details).toMatchObject({ lines: 3000, emitted: 3000, rejected: 0 });
  });

  it('dead-letters a malformed line with its file and line number and goes on', async () => {
    const letters = new MemoryDeadLetters();
    const emitted: RawEvent[] = [];
    const collector = replay([line(1), '{"not": "an event"', line(3)], letters);
    await collector.start({ emit: async (event) => void emitted.push(event) });
    await collector.completion();
    expect(emitted).toHaveLength(2);
    expect(letters.entries).toEqual([expect.objectContaining({ stage: 'decode', origin: 'recording.ndjson:2' })]);
  });

  it('fails its completion with the error of a sink that refuses an event', async () => {
    const collector = replay(Array.from({ length: 50 }, (_, n) => line(n)));
    await collector.start({
      emit: async (event) => {
        if ((event.data as { n: number }).n === 20) throw new Error('bus refused event 20');
      },
    });
    await expect(collector.completion()).rejects.toThrow('bus refused event 20');
  });

  it('refuses a line nested deeper than the limit, and one longer than the limit, naming file:line, and replays the rest', async () => {
    const letters = new MemoryDeadLetters();
    const deep = `{"timestamp":"2026-03-02T10:00:00Z","type":"t","source":"test","data":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const long = JSON.stringify({ timestamp: '2026-03-02T10:00:00Z', type: 't', source: 'test', data: { pad: 'z'.repeat(5 * 1024 * 1024) } });
    const emitted: number[] = [];
    const collector = replay([line(1), deep, long, line(2)], letters);
    await collector.start({ emit: async (event) => void emitted.push((event.data as { n: number }).n) });
    await collector.completion();
    expect(emitted).toEqual([1, 2]);
    expect(letters.entries.map((entry) => [entry.origin, entry.stage, entry.reason])).toEqual([
      ['recording.ndjson:2', 'validate', 'line nests deeper than the limit of 100 levels'],
      ['recording.ndjson:3', 'decode', `line of ${long.length} bytes is longer than the limit of 4194304 (limits.maxLineBytes)`],
    ]);
  });

  it('redacts Secret values of older recordings on read, and keeps none in what it dead-letters', async () => {
    const planted = 'replay-planted-4711';
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop', uid: 'u1', resourceVersion: '5' }, data: { password: Buffer.from(planted).toString('base64') }, stringData: { token: planted } };
    const good = JSON.stringify({ timestamp: '2026-03-02T10:00:00Z', source: 'kubeapi', type: 'ADDED', metadata: { cluster: 'c' }, data: { type: 'ADDED', object: secret } });
    const invalid = JSON.stringify({ timestamp: 'yesterday', source: 'kubeapi', type: 'ADDED', metadata: {}, data: { type: 'ADDED', object: secret } });
    const letters = new MemoryDeadLetters();
    const emitted: RawEvent[] = [];
    const collector = replay([good, invalid, good.slice(0, -5)], letters);
    await collector.start({ emit: async (event) => void emitted.push(event) });
    await collector.completion();
    expect(emitted).toHaveLength(1);
    expect((emitted[0]?.data as { object: { data: unknown; metadata: unknown } }).object).toMatchObject({ data: { password: '<redacted>' }, metadata: secret.metadata });
    expect(letters.entries.map((entry) => entry.stage)).toEqual(['validate', 'decode']);
    for (const text of [JSON.stringify(emitted), JSON.stringify(letters.entries)]) {
      expect(text).not.toContain(planted);
      expect(text).not.toContain(Buffer.from(planted).toString('base64'));
    }
  });

  it('refuses a line with bytes that are not UTF-8, naming the offset, instead of replacing them silently; a real U+FFFD passes', async () => {
    const letters = new MemoryDeadLetters();
    const good = Buffer.from(`${JSON.stringify({ timestamp: '2026-03-02T10:00:00Z', type: 't', source: 'test', data: { n: 1, text: 'caf\u00e9 \uFFFD' }, metadata: {} })}\n`);
    const bad = Buffer.concat([Buffer.from('{"timestamp":"2026-03-02T10:00:00Z","type":"t","source":"test","data":{"n":2,"text":"caf'), Buffer.from([0xe9]), Buffer.from('"}}\n')]);
    const emitted: unknown[] = [];
    const collector = new ReplayCollector({ file: 'latin1.ndjson', speed: 0, deadLetters: letters, input: Readable.from([good, bad]) });
    await collector.start({ emit: async (event) => void emitted.push(event.data) });
    await collector.completion();
    expect(emitted).toEqual([{ n: 1, text: 'caf\u00e9 \uFFFD' }]);
    expect(letters.entries.map((entry) => [entry.origin, entry.stage, entry.reason])).toEqual([
      ['latin1.ndjson:2', 'decode', `line is not valid UTF-8 (first bad byte at offset ${bad.indexOf(0xe9)})`],
    ]);
  });
});
