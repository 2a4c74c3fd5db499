import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeApiTransformer } from '@tapio/collector-kubeapi';
import { DeadLetterStore } from '@tapio/embedded';
import { Pipeline } from '@tapio/pipeline';
import { freePort } from '../../../tools/nats/nats-server.mjs';
import { killAll, seeded, tapio, waitFor, type Proc } from './chaos/processes.js';
import { restartRecording } from './chaos/restart-recording.js';

const seed = Number(process.env['CHAOS_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Every stored event id, through the REST API (pages of 1,000). */
async function storedIds(api: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const response = await fetch(`${api}/api/v1/events?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    if (!response.ok) throw new Error(`GET /api/v1/events: ${response.status}`);
    const page = (await response.json()) as { items: Array<{ id: string }>; nextCursor?: string | null };
    ids.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

describe('embedded mode with a write-ahead log: kill -9 loses nothing accepted', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-wal-'));
  });
  afterAll(async () => {
    killAll();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(`every event visible before a kill -9 is there after the restart, and the finished run has each event once (seed ${seed})`, async () => {
    console.log(`embedded kill -9 seed ${seed} (CHAOS_SEED=${seed} replays it)`);
    const random = seeded(seed);
    const lines = restartRecording(3002);
    const recording = join(dir, 'restarts.ndjson');
    await writeFile(recording, `${lines.join('\n')}\n`);
    const pipeline = new Pipeline({ transformers: [new KubeApiTransformer()], deadLetters: new DeadLetterStore() });
    const expected = new Set(lines.flatMap((line) => {
      const result = pipeline.processLine(line);
      return result.ok ? result.events.map((event) => event.id) : [];
    }));
    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;
    const config = async (name: string, collect: boolean): Promise<string> => {
      const file = join(dir, `${name}.yaml`);
      await writeFile(
        file,
        [
          'log: { level: info, format: json }',
          // No snapshotInterval: without the log, a kill loses everything since the start.
          'bus: { type: embedded, embedded: { wal: { file: state/wal.ndjson, checkpointInterval: 3s } } }',
          'graph: { type: memory, memory: { snapshotFile: state/graph.snapshot } }',
          `api: { port: ${port} }`,
          ...(collect ? ['collectors:', '  replay:', `    file: ${recording}`, '    speed: 12'] : []),
          '',
        ].join('\n'),
      );
      return file;
    };
    const [withReplay, quiet] = await Promise.all([config('replay', true), config('quiet', false)]);
    const ready = (proc: Proc) => waitFor('the API', async () => ((await fetch(`${api}/readyz`)).ok ? true : undefined), 60_000, proc.log);
    const kills: string[] = [];
    let kept = 0;
    for (let round = 0; round < 5 && kept < expected.size; round += 1) {
      const running = tapio(['-config', withReplay], dir);
      await ready(running);
      // The replay starts from its first line again: kill once it is past what is kept, mid-stream.
      await waitFor('new events', async () => ((await storedIds(api)).length > kept ? true : undefined), 120_000, running.log);
      await delay(200 + random() * 2_500);
      const before = new Set(await storedIds(api));
      running.child.kill('SIGKILL');
      await running.exited;
      // Restarted without collectors: only the snapshot and the write-ahead log can bring events back.
      const restarted = tapio(['-config', quiet], dir);
      await ready(restarted);
      const after = new Set(await storedIds(api));
      const lost = [...before].filter((id) => !after.has(id));
      kept = after.size;
      kills.push(`round ${round}: ${before.size} visible before kill -9, ${after.size} after the restart, ${lost.length} lost`);
      expect(lost).toEqual([]);
      restarted.child.kill('SIGTERM');
      expect(await restarted.exited).toBe(0);
    }
    console.log(kills.join('\n'));
    expect(kills.length).toBeGreaterThanOrEqual(3);
    // A last run replays the whole recording: every event exactly once, nothing else.
    const last = tapio(['-config', withReplay], dir);
    await ready(last);
    const ids = await waitFor('every event', async () => {
      const stored = await storedIds(api);
      return stored.length >= expected.size ? stored : undefined;
    }, 240_000, last.log);
    last.child.kill('SIGTERM');
    await last.exited;
    expect(ids.length).toBe(new Set(ids).size);
    expect(ids.filter((id) => !expected.has(id))).toEqual([]);
    expect(ids.length).toBe(expected.size);
  }, 600_000);
});
