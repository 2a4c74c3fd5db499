import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const TAPIO = fileURLToPath(new URL('../../../bin/tapio', import.meta.url));
// The repository's copy of the shared configmap-cascade recording.
const CASCADE = fileURLToPath(new URL('../../../examples/recordings/configmap-cascade.ndjson', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tapio-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The shared configmap-cascade recording with `extra` lines inserted after line `at`. */
function recordingWith(name: string, at: number, extra: string[]): string {
  const lines = readFileSync(CASCADE, 'utf8').trimEnd().split('\n');
  lines.splice(at, 0, ...extra);
  const file = join(dir, `${name}.ndjson`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

interface Analysis {
  insights: Array<{ rootCause: { kind: string; namespace: string | null; name: string } }>;
}

async function analyze(file: string): Promise<{ document: Analysis; stderr: string }> {
  const { stdout, stderr } = await run(TAPIO, ['analyze', file, '--json'], { maxBuffer: 64 * 2 ** 20 });
  return { document: JSON.parse(stdout) as Analysis, stderr };
}

describe('hostile input through ./bin/tapio analyze: refused with the reason, the rest analysed', () => {
  it('a line nested 4,000 deep (it overflowed the stack and analyze exited 1)', async () => {
    const deep = `{"timestamp":"2026-03-02T10:00:01Z","source":"kernel","type":"oom_kill","metadata":{},"data":${'{"a":'.repeat(4000)}1${'}'.repeat(4000)}}`;
    const { document, stderr } = await analyze(recordingWith('deep', 5, [deep]));
    expect(document.insights[0]?.rootCause).toMatchObject({ kind: 'ConfigMap', namespace: 'shop', name: 'checkout-config' });
    expect(stderr).toMatch(/deep\.ndjson:6 .*line nests deeper than the limit of 1000 levels/);
  });

  it('one event dated year 9999 (retention and the engine window counted back from it: the root cause changed)', async () => {
    const future = JSON.stringify({
      timestamp: '9999-12-31T23:59:59Z',
      source: 'kubeapi',
      type: 'ADDED',
      metadata: { cluster: 'prod-west', collector: 'kubeapi' },
      data: { type: 'ADDED', object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'future', namespace: 'shop', uid: 'future-1', resourceVersion: '1' }, data: { a: 'b' } } },
    });
    const { document, stderr } = await analyze(recordingWith('future', 150, [future]));
    expect(document.insights[0]?.rootCause).toMatchObject({ kind: 'ConfigMap', namespace: 'shop', name: 'checkout-config' });
    // Refused by the transformer stage, which still names the file and line.
    expect(stderr).toMatch(/future\.ndjson:151/);
    expect(stderr).toMatch(/timestamp 9999-12-31T23:59:59Z is \d+ s ahead of this machine's clock, more than the limit of 15m \(limits\.maxFutureSkew\)/);
  });
});
