import Negotiator from 'negotiator';
import type { MetricsFormat } from '@tapio/domain';

/** In order of preference when the scrape accepts both equally (curl's *\/*): the text format. */
const OFFERED: Record<string, MetricsFormat> = {
  'text/plain;version=0.0.4': 'prometheus',
  'application/openmetrics-text;version=1.0.0': 'openmetrics',
};

/**
 * The exposition format a scrape asked for in its Accept header (Prometheus asks for
 * OpenMetrics first); the Prometheus text format when it named neither.
 */
export function metricsFormatFor(accept: string | undefined): MetricsFormat {
  const chosen = new Negotiator({ headers: accept === undefined ? {} : { accept } }).mediaType(Object.keys(OFFERED));
  return (chosen && OFFERED[chosen]) || 'prometheus';
}
