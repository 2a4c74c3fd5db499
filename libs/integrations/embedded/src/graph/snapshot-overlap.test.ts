import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EVENT_SEMANTICS, type UnifiedEvent } from '@tapio/domain';
import { MemoryGraphStore } from './memory-graph-store.js';
import { SerialSaver } from './serial-saver.js';

const BASE = Date.parse('2026-03-02T10:00:00Z');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function event(n: number): UnifiedEvent {
  const semantics = EVENT_SEMANTICS.pod_restart;
  const timestamp = new Date(BASE + n).toISOString();
  return {
    id: `evt-${n}`,
    type: 'pod_restart',
    timestamp,
    source: 'test',
    severity: semantics.severity,
    message: `restart ${n} ${'x'.repeat(200)}`,
    semantic: { intent: semantics.intent, category: semantics.category, narrative: 'restart' },
    entity: { cluster: 'c', kind: 'Pod', namespace: 'shop', name: `pod-${n % 50}` },
    processedAt: timestamp,
  };
}

describe('graph snapshots', () => {
  it('interval saves slower than their interval, and the shutdown save, never overlap: no unhandled rejection, a complete snapshot', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapio-snapshot-'));
    dirs.push(dir);
    const snapshotFile = join(dir, 'graph.ndjson');
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const store = new MemoryGraphStore({ snapshotFile, snapshotIntervalMs: 2 });
      await store.start();
      const total = 20_000;
      await store.write({ events: Array.from({ length: total }, (_, n) => event(n)) });
      // Each save of 20,000 events takes far longer than 2 ms: many intervals fire meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 400));
      await store.stop();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
      expect(store.health().status).toBe('stopped');
      expect(readdirSync(dir)).toEqual(['graph.ndjson']);
      const restored = new MemoryGraphStore({ snapshotFile });
      await restored.start();
      expect(restored.health().details?.['events']).toBe(total);
      await restored.stop();
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('SerialSaver runs one save at a time and one more for everyone who asked meanwhile', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const saver = new SerialSaver(async () => {
      running += 1;
      runs += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 20));
      running -= 1;
    });
    await Promise.all(Array.from({ length: 10 }, () => saver.save()));
    expect(most).toBe(1);
    expect(runs).toBe(2);
  });

  it('SerialSaver reports a failed save and recovers on the next', async () => {
    let fail = true;
    const saver = new SerialSaver(async () => {
      if (fail) throw new Error('disk full');
    });
    await expect(saver.save()).rejects.toThrow('disk full');
    expect(saver.lastError).toBe('disk full');
    fail = false;
    await saver.save();
    expect(saver.lastError).toBeUndefined();
  });
});
