import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { seg } from '../api/client.ts';
import type { WhyAnswer } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { SeverityBadge } from '../components/severity-badge.tsx';
import { Status } from '../components/status.tsx';
import { entityLabel, rootCauseText, utc, whyHref } from '../format/format.ts';

const KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'Service', 'ConfigMap', 'Secret', 'Node', 'PersistentVolumeClaim', 'Ingress'];
const CLUSTER_SCOPED = new Set(['Node', 'PersistentVolume']);

interface EntityParams {
  kind: string;
  namespace: string;
  name: string;
}

/** "Why?" for any pod, workload or other resource by name, with its recent events. */
export function ResourcePage({ entity }: { entity?: EntityParams }) {
  const current = entity ? { kind: decodeURIComponent(entity.kind), namespace: decodeURIComponent(entity.namespace), name: decodeURIComponent(entity.name) } : undefined;
  const [, navigate] = useLocation();
  const [kind, setKind] = useState(current?.kind ?? 'Pod');
  const [namespace, setNamespace] = useState(current && current.namespace !== '_' ? current.namespace : '');
  const [name, setName] = useState(current?.name ?? '');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    navigate(whyHref({ kind, namespace: CLUSTER_SCOPED.has(kind) ? null : namespace.trim() || null, name: name.trim() }));
  };

  const path = current
    ? current.namespace === '_'
      ? `/api/v1/why/${seg(current.kind)}/${seg(current.name)}`
      : `/api/v1/why/${seg(current.kind)}/${seg(current.namespace)}/${seg(current.name)}`
    : null;

  return (
    <section aria-labelledby="resource-title">
      <div className="page-head">
        <h1 id="resource-title">Why is this resource in trouble?</h1>
      </div>
      <form className="filters why-form" onSubmit={submit} aria-label="Resource to explain">
        <label>
          Kind
          <select value={kind} onChange={(event) => setKind(event.target.value)}>
            {[...new Set([...KINDS, kind])].map((item) => (
              <option key={item}>{item}</option>
            ))}
          </select>
        </label>
        <label>
          Namespace
          <input value={namespace} disabled={CLUSTER_SCOPED.has(kind)} onChange={(event) => setNamespace(event.target.value)} placeholder="shop" />
        </label>
        <label>
          Name
          <input className="wide" value={name} required onChange={(event) => setName(event.target.value)} placeholder="checkout-5rkwm" />
        </label>
        <button type="submit" className="primary">
          Ask why
        </button>
      </form>
      {path && <WhyView path={path} />}
    </section>
  );
}

/** Bookkeeping of an object's life: hidden by default so the trouble stands out. */
const ROUTINE = new Set(['resource_updated', 'resource_created']);

function WhyView({ path }: { path: string }) {
  const why = useApi<WhyAnswer>(path);
  const [routine, setRoutine] = useState(false);
  const events = (why.data?.events ?? []).filter((event) => routine || !ROUTINE.has(event.type));
  const hidden = (why.data?.events.length ?? 0) - events.length;
  return (
    <Status loading={why.loading} error={why.error} what="the answer">
      {why.data && (
        <>
          <section className="card" aria-labelledby="why-title">
            <h2 id="why-title" className="entity-title">
              {entityLabel(why.data.entity)}
            </h2>
            {why.data.insights.length === 0 ? (
              <p>No incident explains this resource in the range: its events are below.</p>
            ) : (
              <ul className="why-insights">
                {why.data.insights.map((insight) => (
                  <li key={insight.id}>
                    <SeverityBadge severity={insight.severity} /> <Link href={`/incidents/${seg(insight.id)}`}>{insight.title}</Link>
                    <div className="sub">Root cause: {rootCauseText(insight)}</div>
                  </li>
                ))}
              </ul>
            )}
          </section>
          {why.data.causalChain.length > 0 && (
            <section className="card" aria-labelledby="chain-title">
              <h2 id="chain-title">Causal chain (earliest first)</h2>
              <ol className="chain">
                {why.data.causalChain.map((event) => (
                  <li key={event.id}>
                    <time dateTime={event.timestamp}>{utc(event.timestamp)}</time> {event.message}
                  </li>
                ))}
              </ol>
            </section>
          )}
          <section className="card" aria-labelledby="events-title">
            <h2 id="events-title">Recent events</h2>
            <label className="toggle">
              <input type="checkbox" checked={routine} onChange={(event) => setRoutine(event.target.checked)} /> Show routine updates{hidden > 0 ? ` (${hidden} hidden)` : ''}
            </label>
            <table className="events compact">
              <thead>
                <tr>
                  <th scope="col">Time (UTC)</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Type</th>
                  <th scope="col">Message</th>
                </tr>
              </thead>
              <tbody>
                {events.map((event) => (
                  <tr key={event.id}>
                    <td>
                      <time dateTime={event.timestamp}>{utc(event.timestamp)}</time>
                    </td>
                    <td>
                      <SeverityBadge severity={event.severity} />
                    </td>
                    <td>{event.type}</td>
                    <td>{event.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </Status>
  );
}
