import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeadLetter } from '@tapio/domain';
import { DeadLetterStore } from './dead-letter-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function letter(payload: unknown, reason = 'bad'): DeadLetter {
  return { stage: 'validate', reason, at: '2026-03-02T10:00:00.000Z', payload };
}

function deep(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let level = 0; level < levels; level += 1) value = [value];
  return value;
}

describe('DeadLetterStore', () => {
  it('keeps a payload nested too deep to serialise as a description instead of throwing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapio-dlq-'));
    dirs.push(dir);
    const file = join(dir, 'dlq', 'dead-letters.ndjson');
    const store = new DeadLetterStore({ file });
    expect(() => store.put(letter(deep(200_000), 'nested'))).not.toThrow();
    store.put(letter({ fine: true }));
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as DeadLetter);
    expect(lines[0]).toMatchObject({ reason: 'nested', payload: { omitted: expect.stringMatching(/^payload could not be serialised: Maximum call stack/) } });
    expect(lines[1]).toMatchObject({ payload: { fine: true } });
    expect(store.recent(10).map((entry) => entry.reason)).toEqual(['nested', 'bad']);
    // Refused input can hold anything, secrets included: only the owner reads it.
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('keeps the head and size of a payload over maxPayloadBytes', () => {
    const store = new DeadLetterStore({ maxPayloadBytes: 1000 });
    store.put(letter('x'.repeat(10_000)));
    const payload = store.recent(1)[0]?.payload as { omitted: string; bytes: number; head: string };
    expect(payload.omitted).toBe('payload of 10002 bytes, more than 1000');
    expect(payload.bytes).toBe(10_002);
    expect(payload.head).toHaveLength(1000);
  });

  it('bounds what it keeps in memory in bytes as well as in count, while counting everything', () => {
    const store = new DeadLetterStore({ keep: 1000, keepBytes: 200_000, maxPayloadBytes: 64 * 1024 });
    for (let n = 0; n < 20; n += 1) store.put(letter('y'.repeat(10 * 1024 * 1024), `line ${n}`));
    expect(store.count()).toBe(20);
    expect(store.keptBytes()).toBeLessThanOrEqual(200_000);
    const kept = store.recent(1000);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.at(-1)?.reason).toBe('line 19');
  });
});

describe('DeadLetterStore and Secrets', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its file readable by its owner only (0600), also a file an older version left world-readable, and no Secret value in it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tapio-dead-letters-'));
    dirs.push(dir);
    const planted = 'dead-letter-planted-0815';
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: Buffer.from(planted).toString('base64') } };
    const fresh = join(dir, 'fresh.ndjson');
    const old = join(dir, 'old.ndjson');
    writeFileSync(old, '');
    chmodSync(old, 0o644);
    for (const file of [fresh, old]) {
      const store = new DeadLetterStore({ file });
      store.put({ stage: 'transform', reason: 'bad', at: '2026-03-02T10:00:00Z', payload: { source: 'kubeapi', data: { type: 'ADDED', object: secret } } });
      store.put({ stage: 'decode', reason: 'not JSON', at: '2026-03-02T10:00:00Z', payload: JSON.stringify({ object: secret }).slice(0, -3) });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const text = readFileSync(file, 'utf8') + JSON.stringify(store.recent(10));
      expect(text).not.toContain(planted);
      expect(text).not.toContain(Buffer.from(planted).toString('base64'));
      expect(store.recent(10)[0]?.payload).toMatchObject({ data: { object: { data: { k: '<redacted>' } } } });
    }
  });
});
