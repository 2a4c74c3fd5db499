import { scaleUtc } from 'd3-scale';
import type { TimelineEvent } from '../api/types.ts';
import { entityLabel, gap, utc } from '../format/format.ts';
import { LANE_TITLES, LANES, laneOf, type Lane } from '../format/timeline-lanes.ts';

const WIDTH = 960;
const LEFT = 110;
const RIGHT = 20;
const ROW = 40;
const TOP = 8;
const AXIS = 26;

/**
 * The causal chain and the symptoms on one UTC time axis, one row per lane in causal
 * order (change, rollout, crashes, endpoints). The table below it says the same in words.
 */
export function TimelineChart({ events, rootEventId, chainIds = [] }: { events: TimelineEvent[]; rootEventId?: string | undefined; chainIds?: string[] }) {
  if (events.length === 0) return <p className="muted">No events recorded for this incident.</p>;
  const lanes = LANES.filter((lane) => events.some((event) => laneOf(event, rootEventId, event.id) === lane));
  const times = events.map((event) => Date.parse(event.timestamp));
  const start = Math.min(...times);
  const end = Math.max(...times, start + 60_000);
  const pad = (end - start) * 0.03;
  const x = scaleUtc()
    .domain([new Date(start - pad), new Date(end + pad)])
    .range([LEFT, WIDTH - RIGHT]);
  const height = TOP + lanes.length * ROW + AXIS;
  const rowOf = (lane: Lane) => TOP + lanes.indexOf(lane) * ROW + ROW / 2;
  const ticks = x.ticks(7);
  const tickText = x.tickFormat(7, '%H:%M');
  const first = events[0] as TimelineEvent;
  const summary = `${events.length} events from ${utc(first.timestamp)} to ${utc((events[events.length - 1] as TimelineEvent).timestamp)}`;

  return (
    <figure className="timeline">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={`Timeline: ${summary}`}>
        {lanes.map((lane, index) => (
          <g key={lane}>
            {index % 2 === 0 && <rect x={0} y={TOP + index * ROW} width={WIDTH} height={ROW} className="lane-band" />}
            <text x={8} y={rowOf(lane) + 4} className="lane-title">
              {LANE_TITLES[lane]}
            </text>
          </g>
        ))}
        {ticks.map((tick) => (
          <g key={tick.getTime()}>
            <line x1={x(tick)} x2={x(tick)} y1={TOP} y2={height - AXIS} className="grid" />
            <text x={x(tick)} y={height - 8} className="tick" textAnchor="middle">
              {tickText(tick)}
            </text>
          </g>
        ))}
        {lanes.map((lane) => {
          // The first event of each lane, named: where each stage of the cascade began.
          const first = events.find((event) => laneOf(event, rootEventId, event.id) === lane) as TimelineEvent;
          const at = x(new Date(first.timestamp));
          const leftSide = at > WIDTH - 260;
          return (
            <text key={`label-${lane}`} x={leftSide ? at - 12 : at + 12} y={rowOf(lane) - 9} className="mark-label" textAnchor={leftSide ? 'end' : 'start'}>
              {first.type.replaceAll('_', ' ')}
              {first.entity ? ` · ${first.entity.name}` : ''}
            </text>
          );
        })}
        {chainPath(events, chainIds, (event) => [x(new Date(event.timestamp)), rowOf(laneOf(event, rootEventId, event.id))])}
        {events.map((event) => {
          const lane = laneOf(event, rootEventId, event.id);
          const isRoot = event.id === rootEventId;
          const inChain = chainIds.includes(event.id);
          return (
            <circle key={event.id} cx={x(new Date(event.timestamp))} cy={rowOf(lane)} r={isRoot ? 8 : inChain ? 6.5 : 5} className={`mark severity-${event.severity}${isRoot ? ' root' : inChain ? ' in-chain' : ''}`}>
              <title>{`${utc(event.timestamp)} ${event.type}: ${event.message}`}</title>
            </circle>
          );
        })}
      </svg>
      <figcaption className="muted">{summary}, UTC. The large mark is the root change; the dashed line follows the causal chain Tapio found.</figcaption>
    </figure>
  );
}

/** The causal chain, root first, as a dashed line through its events' marks. */
function chainPath(events: TimelineEvent[], chainIds: string[], at: (event: TimelineEvent) => [number, number]) {
  const byId = new Map(events.map((event) => [event.id, event]));
  const points = chainIds.map((id) => byId.get(id)).filter((event): event is TimelineEvent => event !== undefined).map(at);
  if (points.length < 2) return null;
  return <polyline points={points.map(([px, py]) => `${px},${py}`).join(' ')} className="chain-path" />;
}

/** Every event of the timeline in words, with its delay after the root change. */
export function TimelineTable({ events, rootEventId }: { events: TimelineEvent[]; rootEventId?: string | undefined }) {
  const root = events.find((event) => event.id === rootEventId) ?? events[0];
  return (
    <table className="events compact">
      <caption className="visually-hidden">Incident events, oldest first</caption>
      <thead>
        <tr>
          <th scope="col">Time (UTC)</th>
          <th scope="col" className="num">After root</th>
          <th scope="col">Lane</th>
          <th scope="col">Entity</th>
          <th scope="col">What happened</th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => (
          <tr key={event.id} className={event.id === rootEventId ? 'root-row' : undefined}>
            <td>
              <time dateTime={event.timestamp}>{utc(event.timestamp).slice(11)}</time>
            </td>
            <td className="num">{root ? `+${gap(root.timestamp, event.timestamp)}` : ''}</td>
            <td>{LANE_TITLES[laneOf(event, rootEventId, event.id)]}</td>
            <td>{event.entity ? entityLabel(event.entity) : event.source}</td>
            <td>{event.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
