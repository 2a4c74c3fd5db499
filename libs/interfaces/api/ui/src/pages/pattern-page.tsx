import { Link } from 'wouter';
import { seg } from '../api/client.ts';
import type { FeedbackStep, PatternDetail } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { ConfidenceBar } from '../components/confidence-bar.tsx';
import { Status } from '../components/status.tsx';
import { percent, utc } from '../format/format.ts';

const W = 640;
const H = 140;
const PAD = 28;

/** Confidence after each verdict, from the base on the left. */
function HistoryChart({ base, history }: { base: number; history: FeedbackStep[] }) {
  const values = [base, ...history.map((step) => step.confidenceAfter)];
  const x = (index: number) => PAD + (index * (W - 2 * PAD)) / Math.max(1, values.length - 1);
  const y = (value: number) => H - PAD - value * (H - 2 * PAD);
  const points = values.map((value, index) => `${x(index)},${y(value)}`).join(' ');
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="history" role="img" aria-label={`Confidence history: ${values.map(percent).join(', ')}`}>
      {[0, 0.5, 1].map((level) => (
        <g key={level}>
          <line x1={PAD} x2={W - PAD} y1={y(level)} y2={y(level)} className="grid" />
          <text x={2} y={y(level) + 4} className="tick">
            {percent(level)}
          </text>
        </g>
      ))}
      <polyline points={points} className="history-line" />
      {values.map((value, index) => (
        <circle key={index} cx={x(index)} cy={y(value)} r={4} className={index === 0 ? 'mark base-mark' : history[index - 1]?.accurate ? 'mark right-mark' : 'mark wrong-mark'}>
          <title>{index === 0 ? `base ${percent(value)}` : `${history[index - 1]?.accurate ? 'right' : 'wrong'}: ${percent(value)}`}</title>
        </circle>
      ))}
    </svg>
  );
}

/** One pattern: its confidence, status (the backend's), and every verdict with the confidence and status it left. */
export function PatternPage({ name }: { name: string }) {
  const detail = useApi<PatternDetail>(`/api/v1/patterns/${seg(decodeURIComponent(name))}`);
  return (
    <Status loading={detail.loading} error={detail.error} what="the pattern">
      {detail.data && (
        <article aria-labelledby="pattern-title">
          <p className="crumbs">
            <Link href="/patterns">Patterns</Link> / {detail.data.patternId}
          </p>
          <div className="page-head">
            <h1 id="pattern-title">{detail.data.patternId}</h1>
            <p className="meta">
              confidence <ConfidenceBar value={detail.data.confidence} base={detail.data.baseConfidence} label="current confidence" /> (base {percent(detail.data.baseConfidence)}) ·{' '}
              {detail.data.matches} matches · {detail.data.accurateCount}/{detail.data.feedbackCount} verdicts right ·{' '}
              <span className={`badge standing-${detail.data.status}`}>{detail.data.status}</span>
            </p>
          </div>
          <section className="card" aria-labelledby="history-title">
            <h2 id="history-title">Confidence history</h2>
            <HistoryChart base={detail.data.baseConfidence} history={detail.data.history} />
            {detail.data.history.length === 0 ? (
              <p className="muted">No verdict yet: the base confidence stands.</p>
            ) : (
              <table className="events compact">
                <thead>
                  <tr>
                    <th scope="col">When (UTC)</th>
                    <th scope="col">Verdict</th>
                    <th scope="col">By</th>
                    <th scope="col" className="num">Confidence after</th>
                    <th scope="col">Status after</th>
                    <th scope="col">Prediction</th>
                    <th scope="col">Comment</th>
                  </tr>
                </thead>
                <tbody>
                  {detail.data.history.map((step) => (
                    <tr key={step.feedbackId}>
                      <td>{utc(step.timestamp)}</td>
                      <td>{step.accurate ? 'right' : 'wrong'}</td>
                      <td>{step.user}</td>
                      <td className="num">{percent(step.confidenceAfter)}</td>
                      <td>
                        <span className={`badge standing-${step.statusAfter}`}>{step.statusAfter}</span>
                      </td>
                      <td>
                        <code>{step.predictionId}</code>
                      </td>
                      <td>{step.comment}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </article>
      )}
    </Status>
  );
}
