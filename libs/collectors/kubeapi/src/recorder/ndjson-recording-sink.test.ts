import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RawEvent } from '@tapio/domain';
import { NdjsonRecordingSink } from './ndjson-recording-sink.js';

const event = (n: number, timestamp: string): RawEvent => ({
  timestamp,
  source: 'kubeapi',
  type: 'ADDED',
  metadata: { cluster: 'c', collector: 'kubeapi' },
  // Large lines, so the file stream falls behind and every writer waits for 'drain'.
  data: { type: 'ADDED', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${n}`, uid: `u${n}`, resourceVersion: String(n) }, data: { blob: 'x'.repeat(4000) } } },
});

describe('NdjsonRecordingSink', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const file = () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapio-recording-'));
    dirs.push(dir);
    return join(dir, 'rec.ndjson');
  };

  it('waits for drain without leaving listeners behind: no MaxListenersExceededWarning with many concurrent writers', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      const sink = new NdjsonRecordingSink(file());
      await sink.endStartingState();
      // 25 informers writing at once, 40 events each, as `tapio record` does.
      await Promise.all(Array.from({ length: 25 }, async (_, writer) => {
        for (let n = 0; n < 40; n += 1) await sink.emit(event(writer * 100 + n, '2026-03-02T10:00:00Z'));
      }));
      const stream = (sink as unknown as { stream: NodeJS.EventEmitter }).stream;
      expect(stream.listenerCount('error')).toBe(1);
      expect(stream.listenerCount('drain')).toBe(0);
      await sink.close();
      expect(sink.eventsWritten).toBe(1000);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it('writes the starting state with the recording start as its one timestamp, holding back changes seen meanwhile', async () => {
    const path = file();
    const sink = new NdjsonRecordingSink(path, { startedAtMs: Date.parse('2026-03-02T10:00:00.700Z') });
    await sink.emitObserved(event(1, '2026-03-02T10:00:01Z'), 'initial');
    await sink.emitObserved(event(5, '2026-03-02T10:00:02Z'), 'change');
    await sink.emitObserved(event(3, '2026-03-02T10:00:03Z'), 'initial');
    await sink.endStartingState();
    await sink.emitObserved(event(6, '2026-03-02T10:00:04Z'), 'change');
    // A kind listed only after the starting state ended keeps the time it was seen.
    await sink.emitObserved(event(7, '2026-03-02T10:00:05Z'), 'initial');
    await sink.close();
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as RawEvent);
    expect(lines.map((line) => `${line.timestamp} ${(line.data as { object: { metadata: { uid: string } } }).object.metadata.uid}`)).toEqual([
      '2026-03-02T10:00:00Z u1',
      '2026-03-02T10:00:00Z u3',
      '2026-03-02T10:00:02Z u5',
      '2026-03-02T10:00:04Z u6',
      '2026-03-02T10:00:05Z u7',
    ]);
  });

  it('ends the starting state by itself when too many changes are held', async () => {
    const path = file();
    const sink = new NdjsonRecordingSink(path, { startedAtMs: Date.parse('2026-03-02T10:00:00Z'), maxHeldChanges: 2 });
    await sink.emitObserved(event(1, '2026-03-02T10:00:01Z'), 'change');
    await sink.emitObserved(event(2, '2026-03-02T10:00:01Z'), 'change');
    await sink.emitObserved(event(3, '2026-03-02T10:00:02Z'), 'initial');
    await sink.close();
    const uids = readFileSync(path, 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { data: { object: { metadata: { uid: string } } } }).data.object.metadata.uid);
    expect(uids).toEqual(['u1', 'u2', 'u3']);
  });
});
