import { severityRank, type Insight } from '@tapio/domain';
import { analyzeRecording } from '../support/analyze-recording.js';
import { describeInsights } from '../support/judge.js';
import { normalise, type ExpectedEntity } from '../support/recording-variants.js';
import type { CorpusCase } from './corpus-case.js';

export interface CaseResult {
  kind: string;
  name: string;
  benign: boolean;
  right: boolean;
  /** The first insight's pattern (undefined when nothing was reported). */
  firstPattern: string | undefined;
  /** Invalid lines the pipeline rejected (a generated recording must have none). */
  rejected: number;
  /** Time from handing over the last event to the ranked insights. */
  answerMs: number;
  why: string;
}

const same = (a: ExpectedEntity, b: { kind: string; namespace?: string | null; name: string }) => a.kind === b.kind && (a.namespace ?? null) === (b.namespace ?? null) && a.name === b.name;

/** Judges one case by the shared scenarios' rule: the FIRST insight's root cause for incidents, no medium+ insight for benign ones. */
export function scoreCase(item: CorpusCase): CaseResult {
  const { lines, accept } = item.make();
  const { insights, rejected, answerMs } = analyzeRecording(normalise(lines));
  const benign = accept.length === 0;
  const base = { kind: item.kind, name: item.name, benign, rejected, answerMs, firstPattern: insights[0]?.pattern };
  if (benign) {
    const loud = insights.filter((insight: Insight) => severityRank(insight.severity) >= severityRank('medium'));
    return { ...base, right: loud.length === 0 && rejected === 0, why: `benign; reported: ${describeInsights(loud)}` };
  }
  const root = insights[0]?.rootCause.entity;
  const right = rejected === 0 && root !== undefined && accept.some((candidate) => same(candidate, root));
  const wanted = accept[0] as ExpectedEntity;
  return { ...base, right, why: `expected ${wanted.kind} ${wanted.namespace ?? ''}/${wanted.name}; insights: ${describeInsights(insights)}` };
}

/** The coverage rule: every built-in pattern is the first insight's pattern, with the right root, in at least this many incident recordings. */
export const RECORDINGS_PER_PATTERN = 3;

/** A built-in pattern as the coverage rule sees it: a quiet one (severity info or low) never makes a recording an incident. */
export interface PatternInfo {
  name: string;
  quiet: boolean;
}

/**
 * Per pattern, the recordings whose first insight it is: incident recordings with the right
 * root (`right`) or a wrong one (`wrongRoot`), and benign recordings judged right (`benign`:
 * nothing loud reported, the pattern's insight quiet).
 */
export interface PatternCount {
  pattern: string;
  right: number;
  wrongRoot: number;
  benign: number;
}

/** Counts, for every pattern of `patterns` and every other pattern some first insight has, the recordings it leads. Sorted by name. */
export function countByPattern(results: readonly CaseResult[], patterns: readonly PatternInfo[]): PatternCount[] {
  const counts = new Map<string, PatternCount>(patterns.map(({ name }) => [name, { pattern: name, right: 0, wrongRoot: 0, benign: 0 }]));
  for (const result of results) {
    if (result.firstPattern === undefined) continue;
    const count = counts.get(result.firstPattern) ?? { pattern: result.firstPattern, right: 0, wrongRoot: 0, benign: 0 };
    if (result.benign) count.benign += result.right ? 1 : 0;
    else if (result.right) count.right += 1;
    else count.wrongRoot += 1;
    counts.set(result.firstPattern, count);
  }
  return [...counts.values()].sort((a, b) => a.pattern.localeCompare(b.pattern));
}

/**
 * How many recordings count for a pattern: incident recordings it leads with the right root;
 * for a quiet pattern (planned maintenance: what it reports is by design no incident), the
 * benign look-alikes it leads without anything loud.
 */
const covering = (count: PatternCount, quiet: boolean) => (quiet ? count.benign : count.right);

/** The built-in patterns that lead fewer than RECORDINGS_PER_PATTERN recordings by the rule above, as "name: n". */
export function thinPatterns(counts: readonly PatternCount[], patterns: readonly PatternInfo[]): string[] {
  const byName = new Map(counts.map((count) => [count.pattern, count]));
  return patterns
    .map((info) => ({ info, count: byName.get(info.name) ?? { pattern: info.name, right: 0, wrongRoot: 0, benign: 0 } }))
    .filter(({ info, count }) => covering(count, info.quiet) < RECORDINGS_PER_PATTERN)
    .map(({ info, count }) => `${info.name}: ${covering(count, info.quiet)}`);
}

/** The per-pattern table: right-root, wrong-root and benign counts, with a mark on patterns under the rule or not built in. */
export function patternTable(counts: readonly PatternCount[], patterns: readonly PatternInfo[]): string {
  const byName = new Map(patterns.map((info) => [info.name, info]));
  const rows = counts.map((count) => {
    const info = byName.get(count.pattern);
    const mark = !info ? '  (not a built-in pattern)' : covering(count, info.quiet) < RECORDINGS_PER_PATTERN ? `  THIN (under ${RECORDINGS_PER_PATTERN})` : info.quiet ? '  (quiet: benign recordings count)' : '';
    return `  ${count.pattern.padEnd(28)} ${String(count.right).padStart(4)} right root ${String(count.wrongRoot).padStart(3)} wrong root ${String(count.benign).padStart(3)} benign${mark}`;
  });
  return ['first insight per pattern (recordings):', ...rows].join('\n');
}

export interface CorpusSummary {
  incidents: number;
  incidentsRight: number;
  benign: number;
  benignReported: number;
  slowestAnswerMs: number;
  table: string;
}

const percent = (part: number, whole: number) => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`);

/** Per kind: top-1 rate (incidents) or false-positive rate (benign look-alikes), then the totals. */
export function summarise(results: readonly CaseResult[]): CorpusSummary {
  const kinds = [...new Set(results.map((result) => result.kind))].sort();
  const rows = kinds.map((kind) => {
    const of = results.filter((result) => result.kind === kind);
    const right = of.filter((result) => result.right).length;
    const benign = of[0]?.benign ?? false;
    const figure = benign ? `false positives ${of.length - right}/${of.length}` : `top-1 ${right}/${of.length} (${percent(right, of.length)})`;
    return `  ${kind.padEnd(58)} ${figure}`;
  });
  const incidents = results.filter((result) => !result.benign);
  const benign = results.filter((result) => result.benign);
  const incidentsRight = incidents.filter((result) => result.right).length;
  const benignReported = benign.filter((result) => !result.right).length;
  const slowestAnswerMs = Math.max(0, ...results.map((result) => result.answerMs));
  const wrong = results.filter((result) => !result.right).map((result) => `  WRONG ${result.kind} / ${result.name}: ${result.why}`);
  const table = [
    'corpus:',
    ...rows,
    `  top-1 over all incidents: ${incidentsRight}/${incidents.length} (${percent(incidentsRight, incidents.length)})`,
    `  benign false-positive rate: ${benignReported}/${benign.length} (${percent(benignReported, benign.length)})`,
    `  slowest answer after the last event: ${slowestAnswerMs.toFixed(1)} ms`,
    ...wrong,
  ].join('\n');
  return { incidents: incidents.length, incidentsRight, benign: benign.length, benignReported, slowestAnswerMs, table };
}
