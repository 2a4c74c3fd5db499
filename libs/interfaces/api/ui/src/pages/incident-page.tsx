import { Link } from 'wouter';
import { seg } from '../api/client.ts';
import type { BlastRadius, IncidentTimeline, Insight } from '../api/types.ts';
import { useApi, type ApiState } from '../api/use-api.ts';
import { ConfidenceBar } from '../components/confidence-bar.tsx';
import { EntityLink } from '../components/entity-link.tsx';
import { FoldPanel } from '../components/folds.tsx';
import { SeverityBadge } from '../components/severity-badge.tsx';
import { Status } from '../components/status.tsx';
import { age, gap, rootCauseText, utc } from '../format/format.ts';
import { BlastRadiusGraph } from '../incident/blast-radius-graph.tsx';
import { ChangeLines } from '../incident/change-lines.tsx';
import { PredictionPanel } from '../incident/prediction-panel.tsx';
import { StoryTree } from '../incident/story-tree.tsx';
import { TimelineChart, TimelineTable } from '../incident/timeline-chart.tsx';

/** One incident: root cause, story, timeline, blast radius, what changed, history, prediction and verdict. */
export function IncidentPage({ id }: { id: string }) {
  const path = `/api/v1/insights/${seg(decodeURIComponent(id))}`;
  const insight = useApi<Insight>(path);
  const timeline = useApi<IncidentTimeline>(`${path}/timeline`);
  const radius = useApi<BlastRadius>(`${path}/blast-radius`);

  return (
    <Status loading={insight.loading} error={insight.error} what="the incident">
      {insight.data && <IncidentView insight={insight.data} timeline={timeline} radius={radius} />}
    </Status>
  );
}

function IncidentView({ insight, timeline, radius }: { insight: Insight; timeline: ApiState<IncidentTimeline>; radius: ApiState<BlastRadius> }) {
  const rootEvent = timeline.data?.events.find((event) => event.id === insight.rootCause.eventId);
  const firstSymptom = insight.chain.find((link) => link.eventId !== insight.rootCause.eventId && link.type !== 'workload_spec_changed');
  return (
    <article aria-labelledby="incident-title">
      <p className="crumbs">
        <Link href="/">Incidents</Link> / {insight.id}
      </p>
      <div className="page-head">
        <h1 id="incident-title">
          <SeverityBadge severity={insight.severity} /> {insight.title}
        </h1>
        <p className="meta">
          {insight.pattern ?? 'no pattern'} · confidence <ConfidenceBar value={insight.confidence} label="confidence of this incident" /> · began {utc(insight.firstSeen)} ({age(insight.firstSeen)} ago), last seen {utc(insight.lastSeen)} · {insight.affected.length} resources affected
        </p>
      </div>

      <FoldPanel insight={insight} />

      <section className="root-cause card" aria-labelledby="root-title">
        <h2 id="root-title">Root cause</h2>
        <p className="root-entity">
          <EntityLink entity={insight.rootCause.entity} />
        </p>
        <p className="root-what">{rootCauseText(insight)}</p>
        {firstSymptom && insight.rootCause.timestamp && (
          <p className="muted">
            The first failure followed {gap(insight.rootCause.timestamp, firstSymptom.timestamp)} later: {firstSymptom.summary}
          </p>
        )}
        {insight.nextChecks.length > 0 && (
          <>
            <h3>Next checks</h3>
            <ol className="checks">
              {insight.nextChecks.map((check) => (
                <li key={check}>{check}</li>
              ))}
            </ol>
          </>
        )}
      </section>

      <div className="grid-2">
        <section className="card" aria-labelledby="story-title">
          <h2 id="story-title">Story</h2>
          <StoryTree story={insight.story} />
        </section>
        <section className="card" aria-labelledby="change-title">
          <h2 id="change-title">What changed</h2>
          <Status loading={timeline.loading} error={timeline.error} what="the change">
            <ChangeLines changes={rootEvent?.changes ?? []} />
          </Status>
          <h3>Previous occurrences</h3>
          {insight.previousOccurrences.length === 0 ? (
            <p className="muted">None on record: the first time Tapio sees this root cause fail this way.</p>
          ) : (
            <ul>
              {insight.previousOccurrences.map((when) => (
                <li key={when}>
                  <time dateTime={when}>{utc(when)}</time>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <section className="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <Status loading={timeline.loading} error={timeline.error} what="the timeline">
          {timeline.data && (
            <>
              <TimelineChart events={timeline.data.events} rootEventId={insight.rootCause.eventId} chainIds={insight.chain.flatMap((link) => (link.eventId ? [link.eventId] : []))} />
              <details>
                <summary>All {timeline.data.events.length} events{timeline.data.truncated ? ' (the busiest resources are cut to their newest events)' : ''}</summary>
                <TimelineTable events={timeline.data.events} rootEventId={insight.rootCause.eventId} />
              </details>
            </>
          )}
        </Status>
      </section>

      <section className="card" aria-labelledby="blast-title">
        <h2 id="blast-title">Blast radius</h2>
        <Status loading={radius.loading} error={radius.error} what="the blast radius">
          {radius.data && (
            <>
              <BlastRadiusGraph radius={radius.data} />
              <h3>Other incidents on this root</h3>
              {radius.data.folded.length === 0 ? (
                <p className="muted">No other incident on this root cause.</p>
              ) : (
                <ul>
                  {radius.data.folded.map((other) => (
                    <li key={other.id}>
                      <SeverityBadge severity={other.severity} /> <Link href={`/incidents/${seg(other.id)}`}>{other.title}</Link> ({utc(other.firstSeen)})
                    </li>
                  ))}
                </ul>
              )}
            </>
          )}
        </Status>
      </section>

      <section className="card" aria-labelledby="prediction-title">
        <h2 id="prediction-title">Prediction and feedback</h2>
        {insight.predictionId && insight.pattern ? (
          <PredictionPanel predictionId={insight.predictionId} pattern={insight.pattern} />
        ) : (
          <p className="muted">This incident made no prediction.</p>
        )}
      </section>
    </article>
  );
}
