import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const TAPIO = fileURLToPath(new URL('../../../bin/tapio', import.meta.url));
const RECORDINGS = new URL('../../../examples/recordings/', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'tapio-analyze-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `tapio analyze` with its transformer stage on a worker thread (on) or on the main thread (off), whatever the size. */
async function analyze(file: string, worker: 'on' | 'off', json = true): Promise<{ stdout: string; stderr: string }> {
  return run(TAPIO, ['analyze', file, ...(json ? ['--json'] : [])], { maxBuffer: 64 * 2 ** 20, env: { ...process.env, TAPIO_TRANSFORM_WORKER: worker } });
}

/** The same with a configuration file. */
async function analyzeWith(config: string, file: string, worker: 'on' | 'off'): Promise<{ stdout: string; stderr: string }> {
  return run(TAPIO, ['analyze', '-config', config, file, '--json'], { maxBuffer: 64 * 2 ** 20, env: { ...process.env, TAPIO_TRANSFORM_WORKER: worker }, timeout: 60_000 });
}

/** Log records without their time (pretty format: time, level, message, fields). */
const records = (stderr: string) =>
  stderr
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replace(/^\S+ /, ''))
    .sort();

describe('tapio analyze with the transformer stage on a worker thread (built CLI)', () => {
  const recordings = ['configmap-cascade', 'oom-cascade', 'benign-rollout', 'generated/callers-refused-volume', 'real/drain-uncordon', 'real/kubelet-stopped'];
  for (const name of recordings) {
    it(`${name}: --json byte-identical to the one-thread analysis`, async () => {
      const file = fileURLToPath(new URL(`${name}.ndjson`, RECORDINGS));
      const [one, two] = [await analyze(file, 'off'), await analyze(file, 'on')];
      expect(two.stdout).toBe(one.stdout);
      expect(JSON.parse(two.stdout).events).toBeGreaterThan(0);
    });
  }

  it('a worker the launcher started early that the configuration then refuses (a write-ahead log) is stopped: one-thread answer, and the command exits', async () => {
    // Each run its own log and snapshot: a write-ahead log is replayed by the next run that names it.
    const config = (name: string) => {
      const path = join(dir, `${name}.yaml`);
      writeFileSync(path, `bus: { type: embedded, embedded: { wal: { file: ${join(dir, `${name}.wal`)}, checkpointInterval: 3s } } }\ngraph: { type: memory, memory: { snapshotFile: ${join(dir, `${name}.snapshot`)} } }\n`);
      return path;
    };
    const file = fileURLToPath(new URL('configmap-cascade.ndjson', RECORDINGS));
    const [one, prestarted] = [await analyzeWith(config('wal-off'), file, 'off'), await analyzeWith(config('wal-on'), file, 'on')];
    expect(prestarted.stdout).toBe(one.stdout);
    expect(JSON.parse(prestarted.stdout).insights.length).toBeGreaterThan(0);
  });

  it('the stories (text) are identical too', async () => {
    const file = fileURLToPath(new URL('configmap-cascade.ndjson', RECORDINGS));
    expect((await analyze(file, 'on', false)).stdout).toBe((await analyze(file, 'off', false)).stdout);
  });

  it('refused lines are dead-lettered with their file and line from the worker, as on one thread', async () => {
    const lines = readFileSync(new URL('configmap-cascade.ndjson', RECORDINGS), 'utf8').trimEnd().split('\n');
    const deep = `{"timestamp":"2026-03-02T10:00:01Z","source":"kernel","type":"oom_kill","metadata":{},"data":${'{"a":'.repeat(1500)}1${'}'.repeat(1500)}}`;
    // Not JSON, not a RawEvent, nested too deep, an unknown source, and a line repeated (the raw topic drops the second).
    lines.splice(3, 0, '{not json', '{"source":"kubeapi"}', deep, '{"timestamp":"2026-03-02T10:00:01Z","source":"nobody","type":"x","metadata":{},"data":{}}', lines[2] as string);
    const file = join(dir, 'hostile.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n${Buffer.from([0xff, 0xfe]).toString('latin1')}\n`);
    const [one, two] = [await analyze(file, 'off'), await analyze(file, 'on')];
    expect(two.stdout).toBe(one.stdout);
    expect(JSON.parse(two.stdout).rejected).toBe(5);
    for (const line of [4, 5, 6, 7]) expect(two.stderr).toContain(`hostile.ndjson:${line}`);
    expect(records(two.stderr)).toEqual(records(one.stderr));
  });
});
