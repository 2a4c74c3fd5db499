import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { severityRank } from '@tapio/domain';
import { loadBuiltinPatterns } from '@tapio/correlation';
import type { CorpusCase } from './corpus/corpus-case.js';
import { countByPattern, patternTable, RECORDINGS_PER_PATTERN, scoreCase, summarise, thinPatterns, type CaseResult, type PatternInfo } from './corpus/corpus-score.js';

/**
 * The labeled corpus (issue #15, deliver 6): every file of corpus/kinds/ exports
 * `corpusCases` (recordings with their truth: real ones, generated ones with renamed
 * objects, other timings, unrelated noise, and benign look-alikes). One test scores them
 * all by the shared scenarios' rule and prints the top-1 rate per kind and the benign
 * false-positive rate; it fails under 95% top-1, on any benign false positive, or when an
 * answer takes more than a second after the last event. Coverage: every built-in pattern
 * (read from the patterns folder at test time, so a new pattern without recordings fails) must
 * be the first insight's pattern, with the right root, in at least three recordings; a quiet
 * pattern (severity info or low: planned maintenance) counts the benign look-alikes it leads.
 */
const KINDS = new URL('./corpus/kinds/', import.meta.url);
const files = readdirSync(KINDS).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts')).sort();
const cases: CorpusCase[] = [];
for (const file of files) {
  const module = (await import(new URL(file, KINDS).href)) as { corpusCases?: readonly CorpusCase[] };
  if (!module.corpusCases) throw new Error(`corpus/kinds/${file} exports no corpusCases`);
  cases.push(...module.corpusCases);
}

/** Read at test time from the built-in patterns folder, so a new pattern without recordings shows at once. */
const builtinPatterns = (): PatternInfo[] => loadBuiltinPatterns().map((pattern) => ({ name: pattern.metadata.name, quiet: severityRank(pattern.spec.severity) < severityRank('medium') }));

describe('the labeled corpus', () => {
  let results: CaseResult[] = [];
  beforeAll(() => {
    results = cases.map(scoreCase);
  }, 600_000);

  it('has at least three recordings of every kind', () => {
    const perKind = new Map<string, number>();
    for (const item of cases) perKind.set(item.kind, (perKind.get(item.kind) ?? 0) + 1);
    const thin = [...perKind].filter(([, count]) => count < 3).map(([kind, count]) => `${kind}: ${count}`);
    expect(thin, 'kinds with fewer than three recordings').toEqual([]);
  });

  it('names the right root cause first in at least 95% of incidents, reports nothing loud on benign ones, answers within 1 s', () => {
    const summary = summarise(results);
    const patterns = builtinPatterns();
    const counts = countByPattern(results, patterns);
    console.log(`${summary.table}\n${patternTable(counts, patterns)}\n  thin: ${thinPatterns(counts, patterns).join(', ') || 'none'}`);
    expect(results.filter((result) => result.rejected > 0).map((result) => `${result.kind} / ${result.name}`), 'recordings with invalid lines').toEqual([]);
    expect(summary.incidentsRight / summary.incidents, summary.table).toBeGreaterThanOrEqual(0.95);
    expect(summary.benignReported, summary.table).toBe(0);
    expect(summary.slowestAnswerMs, summary.table).toBeLessThan(1000);
  });

  it(`leads with every built-in pattern, with the right root, in at least ${RECORDINGS_PER_PATTERN} recordings`, () => {
    const patterns = builtinPatterns();
    const counts = countByPattern(results, patterns);
    expect(thinPatterns(counts, patterns), `patterns the first insight of fewer than ${RECORDINGS_PER_PATTERN} recordings names (with the right root)\n${patternTable(counts, patterns)}`).toEqual([]);
  });
});
