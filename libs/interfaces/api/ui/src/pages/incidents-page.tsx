import { useMemo, useState } from 'react';
import { Link } from 'wouter';
import type { Insight, Page, PatternConfidence, Severity } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { ConfidenceBar } from '../components/confidence-bar.tsx';
import { AlsoExplains } from '../components/folds.tsx';
import { SeverityBadge } from '../components/severity-badge.tsx';
import { Status } from '../components/status.tsx';
import { age, entityLabel, incidentNamespaces, rootCauseText, SEVERITIES, utc } from '../format/format.ts';

/** The list refreshes this often while the tab is visible. */
const POLL_MS = 5000;
const PAGE_SIZE = 200;
/** The API's largest page. */
const MAX_SHOWN = 1000;

/** Incidents, newest first, live, one per cause (a root lists what it also explains): severity, root cause, age, affected count; filters. */
export function IncidentsPage() {
  const [namespace, setNamespace] = useState('');
  const [pattern, setPattern] = useState('');
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [limit, setLimit] = useState(PAGE_SIZE);
  const query = new URLSearchParams({ limit: String(limit) });
  if (pattern) query.set('pattern', pattern);
  if (severity) query.set('severity', severity);
  const insights = useApi<Page<Insight>>(`/api/v1/insights?${query}`, POLL_MS);
  const patterns = useApi<{ items: PatternConfidence[] }>('/api/v1/patterns');

  const namespaces = useMemo(() => [...new Set((insights.data?.items ?? []).flatMap(incidentNamespaces))].sort(), [insights.data]);
  const shown = (insights.data?.items ?? []).filter((insight) => !namespace || incidentNamespaces(insight).includes(namespace));
  const now = Date.now();

  return (
    <section aria-labelledby="incidents-title">
      <div className="page-head">
        <h1 id="incidents-title">Incidents</h1>
        <p className="live" aria-live="polite">
          <span className="dot" aria-hidden="true" /> live, refreshed every {POLL_MS / 1000} s · {shown.length} shown
          {insights.data?.nextCursor ? ` (the newest ${limit})` : ''}
        </p>
      </div>
      <form className="filters" aria-label="Filter incidents" onSubmit={(event) => event.preventDefault()}>
        <label>
          Namespace
          <select value={namespace} onChange={(event) => setNamespace(event.target.value)}>
            <option value="">all</option>
            {namespaces.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>
        <label>
          Pattern
          <select value={pattern} onChange={(event) => setPattern(event.target.value)}>
            <option value="">all</option>
            {(patterns.data?.items ?? []).map((item) => (
              <option key={item.patternId}>{item.patternId}</option>
            ))}
          </select>
        </label>
        <label>
          Severity at least
          <select value={severity} onChange={(event) => setSeverity(event.target.value as Severity | '')}>
            <option value="">any</option>
            {SEVERITIES.map((level) => (
              <option key={level}>{level}</option>
            ))}
          </select>
        </label>
      </form>
      <Status loading={insights.loading && !insights.data} error={insights.error} what="incidents">
        {shown.length === 0 ? (
          <p className="notice">No incident matches. Tapio opens one when a behavior pattern explains a failure.</p>
        ) : (
          <table className="incidents">
            <thead>
              <tr>
                <th scope="col">Severity</th>
                <th scope="col">Root cause</th>
                <th scope="col">Pattern</th>
                <th scope="col" className="num">Affected</th>
                <th scope="col">Confidence</th>
                <th scope="col">Age</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((insight) => (
                <tr key={insight.id}>
                  <td>
                    <SeverityBadge severity={insight.severity} />
                  </td>
                  <td>
                    <Link href={`/incidents/${encodeURIComponent(insight.id)}`} className="incident-link">
                      {entityLabel(insight.rootCause.entity)}
                    </Link>
                    <div className="sub">{rootCauseText(insight)}</div>
                    <AlsoExplains insight={insight} />
                  </td>
                  <td>{insight.pattern ?? '—'}</td>
                  <td className="num">{insight.affected.length}</td>
                  <td>
                    <ConfidenceBar value={insight.confidence} label={`confidence of ${insight.title}`} />
                  </td>
                  <td>
                    <time dateTime={insight.firstSeen} title={`first seen ${utc(insight.firstSeen)}, last ${utc(insight.lastSeen)}`}>
                      {age(insight.firstSeen, now)}
                    </time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {insights.data?.nextCursor && limit < MAX_SHOWN && (
          <p>
            <button type="button" onClick={() => setLimit((value) => Math.min(MAX_SHOWN, value + PAGE_SIZE))}>
              Show {PAGE_SIZE} older incidents
            </button>
          </p>
        )}
      </Status>
    </section>
  );
}
