import { Link } from 'wouter';
import { seg } from '../api/client.ts';
import type { PatternConfidence } from '../api/types.ts';
import { useApi } from '../api/use-api.ts';
import { ConfidenceBar } from '../components/confidence-bar.tsx';
import { Status } from '../components/status.tsx';
import { percent } from '../format/format.ts';

/** Every behavior pattern: confidence against its base, verdicts, matches, standing. */
export function PatternsPage() {
  const patterns = useApi<{ items: PatternConfidence[] }>('/api/v1/patterns', 10_000);
  const items = [...(patterns.data?.items ?? [])].sort((a, b) => b.matches - a.matches || a.patternId.localeCompare(b.patternId));
  return (
    <section aria-labelledby="patterns-title">
      <div className="page-head">
        <h1 id="patterns-title">Behavior patterns</h1>
        <p className="muted">
          Confidence starts at the pattern's base (the mark on each bar) and moves toward the share of right verdicts as they come in. Status is Tapio's own: learning until enough verdicts, then active, promoted, or retired (a retired pattern opens no incident; thresholds in tapio.yaml, correlation.feedback).
        </p>
      </div>
      <Status loading={patterns.loading && !patterns.data} error={patterns.error} what="the patterns">
        <table className="patterns">
          <thead>
            <tr>
              <th scope="col">Pattern</th>
              <th scope="col">Confidence</th>
              <th scope="col" className="num">Accuracy</th>
              <th scope="col" className="num">Verdicts</th>
              <th scope="col" className="num">Matches</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {items.map((pattern) => {
              const standing = pattern.status;
              return (
                <tr key={pattern.patternId}>
                  <td>
                    <Link href={`/patterns/${seg(pattern.patternId)}`}>{pattern.patternId}</Link>
                  </td>
                  <td>
                    <ConfidenceBar value={pattern.confidence} base={pattern.baseConfidence} label={`confidence of ${pattern.patternId}`} />
                  </td>
                  <td className="num">{pattern.accuracy === null ? '—' : percent(pattern.accuracy)}</td>
                  <td className="num">
                    {pattern.accurateCount}/{pattern.feedbackCount}
                  </td>
                  <td className="num">{pattern.matches}</td>
                  <td>
                    <span className={`badge standing-${standing}`}>{standing}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Status>
    </section>
  );
}
