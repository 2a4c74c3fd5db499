import { Link } from 'wouter';
import { seg } from '../api/client.ts';
import type { IncidentFold, Insight } from '../api/types.ts';
import { entityLabel } from '../format/format.ts';
import { SeverityBadge } from './severity-badge.tsx';

/** One incident folded into another, linked to its own page, with why it is the same cause. */
function FoldItem({ fold }: { fold: IncidentFold }) {
  return (
    <li>
      <SeverityBadge severity={fold.severity} /> <Link href={`/incidents/${seg(fold.insightId)}`}>{entityLabel(fold.rootCause)}</Link> ({fold.pattern ?? 'incident'}): {fold.reason}
    </li>
  );
}

/** In the incident list: "Also explains N", opened to the incidents folded under this root. */
export function AlsoExplains({ insight }: { insight: Insight }) {
  const folded = insight.alsoExplains ?? [];
  if (folded.length === 0) return null;
  return (
    <details className="folds">
      <summary>
        Also explains {folded.length} incident{folded.length > 1 ? 's' : ''}
      </summary>
      <ul>
        {folded.map((fold) => (
          <FoldItem key={fold.insightId} fold={fold} />
        ))}
      </ul>
    </details>
  );
}

/** On the incident page: the one incident that explains this one, or the incidents this one explains. */
export function FoldPanel({ insight }: { insight: Insight }) {
  if (insight.explainedBy) {
    const root = insight.explainedBy;
    return (
      <p className="notice folded-into" role="note">
        Folded into <Link href={`/incidents/${seg(root.insightId)}`}>{root.title}</Link> (root cause {entityLabel(root.rootCause)}): {root.reason}. One cause, one incident: see its page for the whole story.
      </p>
    );
  }
  const folded = insight.alsoExplains ?? [];
  if (folded.length === 0) return null;
  return (
    <section className="card" aria-labelledby="folds-title">
      <h2 id="folds-title">Also explains {folded.length} incident{folded.length > 1 ? 's' : ''}</h2>
      <ul>
        {folded.map((fold) => (
          <FoldItem key={fold.insightId} fold={fold} />
        ))}
      </ul>
    </section>
  );
}
