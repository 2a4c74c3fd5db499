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
  const base = { kind: item.kind, name: item.name, benign, rejected, answerMs };
  if (benign) {
    const loud = insights.filter((insight: Insight) => severityRank(insight.severity) >= severityRank('medium'));
    return { ...base, right: loud.length === 0 && rejected === 0, why: `benign; reported: ${describeInsights(loud)}` };
  }
  const root = insights[0]?.rootCause.entity;
  const right = rejected === 0 && root !== undefined && accept.some((candidate) => same(candidate, root));
  const wanted = accept[0] as ExpectedEntity;
  return { ...base, right, why: `expected ${wanted.kind} ${wanted.namespace ?? ''}/${wanted.name}; insights: ${describeInsights(insights)}` };
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
