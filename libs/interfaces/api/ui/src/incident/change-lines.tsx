import type { ChangeItem } from '../api/types.ts';
import { diffLines } from '../format/line-diff.ts';

/**
 * What the root change changed. With the old and new values known, the lines that
 * differ (- old, + new); otherwise the keys, saying the values were not recorded.
 */
export function ChangeLines({ changes }: { changes: ChangeItem[] }) {
  if (changes.length === 0) return <p className="muted">The root event carries no itemised change.</p>;
  return (
    <ul className="changes">
      {changes.map((change) => (
        <li key={`${change.path}:${change.op}`}>
          <code className="path">{change.path}</code> <span className={`op op-${change.op}`}>{change.op}</span>
          {change.before !== undefined || change.after !== undefined ? (
            <pre className="diff" aria-label={`changed lines of ${change.path}`}>
              {diffLines(change.before ?? '', change.after ?? '').map((line, index) => (
                <span key={index} className={`line ${line.kind}`}>
                  {line.kind === 'removed' ? '- ' : line.kind === 'added' ? '+ ' : '  '}
                  {line.text}
                  {'\n'}
                </span>
              ))}
            </pre>
          ) : (
            <span className="muted"> (values not recorded: Tapio keeps digests of ConfigMap and Secret data)</span>
          )}
        </li>
      ))}
    </ul>
  );
}
