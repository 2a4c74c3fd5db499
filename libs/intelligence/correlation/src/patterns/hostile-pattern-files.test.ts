import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeUnifiedEvent, type PatternSet } from '@tapio/domain';
import { compileCondition } from './condition.js';
import { DirectoryPatternSource } from './directory-pattern-source.js';
import { parsePatternFile } from './parse-pattern-file.js';

const FILE = '/etc/tapio/patterns/hostile.yaml';

/** Ten levels of aliases, each ten of the one before: 10^10 nodes if expanded. */
export function aliasBomb(): string {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let level = 1; level < 10; level += 1) lines.push(`a${level}: &a${level} [${Array.from({ length: 10 }, () => `*a${level - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

const withMatches = (regex: string) => `apiVersion: behavior.tapio.io/v1
kind: BehaviorPattern
metadata:
  name: slow
spec:
  severity: high
  conditions:
    - field: type
      operator: equals
      value: pod_restart
    - field: entity.name
      operator: matches
      value: ${JSON.stringify(regex)}
  predictions:
    - type: service_degradation
      confidence_base: 0.8
      message: "x"
`;

describe('hostile pattern files', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('an alias bomb is an error naming the file and the line of the first alias, not an exception', () => {
    const parsed = parsePatternFile(aliasBomb(), FILE);
    expect(parsed.patterns).toEqual([]);
    expect(parsed.errors).toEqual([{ file: FILE, line: 2, column: expect.any(Number), reason: expect.stringMatching(/^cannot read the document: .*alias/i) }]);
  });

  it('an alias bomb written while watching is reported and the patterns loaded before stay active (it killed the daemon)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-hostile-patterns-'));
    await writeFile(join(dir, 'slow.yaml'), withMatches('^api'));
    const source = new DirectoryPatternSource([dir], { debounceMs: 20 });
    expect((await source.load()).patterns).toHaveLength(1);
    const sets: PatternSet[] = [];
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const stop = await source.watch((set) => void sets.push(set));
    try {
      await writeFile(join(dir, 'slow.yaml'), aliasBomb());
      const deadline = Date.now() + 5000;
      while (!sets.some((set) => set.errors.length > 0) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      const last = sets.at(-1);
      expect(last?.errors[0]).toMatchObject({ file: join(dir, 'slow.yaml'), line: 2, reason: expect.stringMatching(/^cannot read the document/) });
      expect(last?.patterns.map((pattern) => pattern.metadata.name)).toEqual(['slow']);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await stop();
    }
  });

  it('a catastrophic-backtracking regex matches in linear time (8.9 s on a 27-character name before)', () => {
    const parsed = parsePatternFile(withMatches('^(a+)+$'), FILE);
    expect(parsed.errors).toEqual([]);
    const condition = parsed.patterns[0]?.spec.conditions?.[1];
    const predicate = compileCondition(condition!);
    const event = makeUnifiedEvent(
      { timestamp: '2026-03-02T10:00:00Z', type: 'x', source: 'test', data: {}, metadata: {} },
      { eventId: () => 'evt-1', processedAt: '2026-03-02T10:00:00Z' },
      'pod_restart',
      'restart',
      { entity: { kind: 'Pod', name: `${'a'.repeat(40)}!`, namespace: 'shop', cluster: 'c' } } as never,
    );
    const started = performance.now();
    expect(predicate(event)).toBe(false);
    event.entity!.name = 'a'.repeat(40);
    expect(predicate(event)).toBe(true);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('a regex RE2 cannot run (backreference, lookahead) is refused at load, located', () => {
    for (const regex of ['(a)\\1', 'api(?=-prod)']) {
      const parsed = parsePatternFile(withMatches(regex), FILE);
      expect(parsed.patterns).toEqual([]);
      expect(parsed.errors).toEqual([
        { file: FILE, line: 13, column: 14, reason: expect.stringMatching(/^spec\.conditions\[1\]\.value: ".*" is not a regular expression RE2 accepts/) },
      ]);
    }
  });
});
