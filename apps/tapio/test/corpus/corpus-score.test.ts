import { describe, expect, it } from 'vitest';
import { countByPattern, patternTable, thinPatterns, type CaseResult, type PatternInfo } from './corpus-score.js';

const result = (firstPattern: string | undefined, right: boolean, benign = false): CaseResult => ({ kind: 'k', name: 'n', benign, right, firstPattern, rejected: 0, answerMs: 1, why: '' });

describe('the corpus coverage rule', () => {
  const patterns: PatternInfo[] = [
    { name: 'node-failure', quiet: false },
    { name: 'oom-cascade', quiet: false },
    { name: 'planned-maintenance', quiet: true },
    { name: 'brand-new', quiet: false },
  ];

  it('counts only right-root incident recordings for a loud pattern, benign look-alikes for a quiet one, and names every pattern under three', () => {
    const results = [
      ...[1, 2, 3].map(() => result('node-failure', true)),
      result('oom-cascade', true),
      result('oom-cascade', true),
      result('oom-cascade', false),
      result('oom-cascade', true, true),
      ...[1, 2, 3].map(() => result('planned-maintenance', true, true)),
      result('planned-maintenance', false, true),
      result(undefined, false),
    ];
    const counts = countByPattern(results, patterns);
    expect(counts.find((count) => count.pattern === 'oom-cascade')).toEqual({ pattern: 'oom-cascade', right: 2, wrongRoot: 1, benign: 1 });
    expect(thinPatterns(counts, patterns)).toEqual(['oom-cascade: 2', 'brand-new: 0']);
    expect(patternTable(counts, patterns)).toMatch(/brand-new +0 right root +0 wrong root +0 benign +THIN/);
  });

  it('lists a first-insight pattern that is not built in without making it a requirement', () => {
    const counts = countByPattern([result('from-a-plugin', true)], patterns);
    expect(patternTable(counts, patterns)).toContain('from-a-plugin');
    expect(patternTable(counts, patterns)).toContain('(not a built-in pattern)');
    expect(thinPatterns(counts, patterns)).toEqual(['node-failure: 0', 'oom-cascade: 0', 'planned-maintenance: 0', 'brand-new: 0']);
  });
});
