import type { EntityRef, Insight, Severity } from '../api/types.ts';

const SEVERITY_ORDER: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
export const SEVERITIES = SEVERITY_ORDER;

export function severityRank(severity: Severity): number {
  return SEVERITY_ORDER.indexOf(severity);
}

/** "Deployment shop/checkout", "Node node-1". */
export function entityLabel(entity: Pick<EntityRef, 'kind' | 'name' | 'namespace'>): string {
  return entity.namespace ? `${entity.kind} ${entity.namespace}/${entity.name}` : `${entity.kind} ${entity.name}`;
}

/** How long ago, in the largest unit that is at least one: "45 s", "3 min", "2 h", "9 d". */
export function age(timestamp: string, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(timestamp)) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

/** A gap between two instants, for "crashes began 2 min 36 s after the change". */
export function gap(fromIso: string, toIso: string): string {
  const seconds = Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000);
  if (Math.abs(seconds) < 60) return `${seconds} s`;
  const minutes = Math.floor(Math.abs(seconds) / 60);
  const rest = Math.abs(seconds) % 60;
  return `${seconds < 0 ? '-' : ''}${minutes} min${rest ? ` ${rest} s` : ''}`;
}

/** UTC, to the second, the way kubectl and the logs print it. */
export function utc(timestamp: string): string {
  return new Date(timestamp).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** A UTC time of day, "14:02", for a moment within the incident. */
export function clock(timestamp: string): string {
  return new Date(timestamp).toISOString().slice(11, 16);
}

/**
 * What later events said of a prediction with a deadline: "came true 14:02", "partly
 * right 14:30" (some of the pods predicted to fail did), "did not happen", or "expected by 14:07" while open; undefined for a prediction without a deadline.
 */
export function predictionResult(prediction: { deadline?: string | undefined; result?: { status: string; at: string } | undefined }): string | undefined {
  if (prediction.result?.status === 'came_true') return `came true ${clock(prediction.result.at)}`;
  if (prediction.result?.status === 'partly_true') return `partly right ${clock(prediction.result.at)}`;
  if (prediction.result) return 'did not happen';
  return prediction.deadline ? `expected by ${clock(prediction.deadline)}` : undefined;
}

export function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

/** The namespaces an incident lives in: its root's, then its symptoms'. */
export function incidentNamespaces(insight: Insight): string[] {
  const spaces = new Set<string>();
  for (const entity of [insight.rootCause.entity, ...insight.symptoms]) if (entity.namespace) spaces.add(entity.namespace);
  return [...spaces];
}

/** The pieces of an insight's root cause text before the trailing "(time)" Tapio appends. */
export function rootCauseText(insight: Insight): string {
  return insight.rootCause.what.replace(/\s*\(\d{4}-\d\d-\d\dT[^)]*\)\s*$/, '');
}

/** Where the Resource page answers "why" for an entity. */
export function whyHref(entity: Pick<EntityRef, 'kind' | 'name' | 'namespace'>): string {
  return `/resource/${encodeURIComponent(entity.kind)}/${encodeURIComponent(entity.namespace ?? '_')}/${encodeURIComponent(entity.name)}`;
}
