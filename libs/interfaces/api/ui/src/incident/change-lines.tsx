import type { ChangeItem } from '../api/types.ts';
import { diffLines } from '../format/line-diff.ts';

function LineDiff({ change }: { change: ChangeItem }) {
  const lines = change.lines ?? [];
  return (
    <pre className="diff" aria-label={`changed lines of ${change.path}`}>
      {lines.map((line, index) => (
        <span key={index}>
          {line.before !== undefined ? <span className="line removed">{`- ${String(line.line).padStart(4)}  ${line.before}\n`}</span> : null}
          {line.after !== undefined ? <span className="line added">{`+ ${String(line.line).padStart(4)}  ${line.after}\n`}</span> : null}
        </span>
      ))}
      {change.moreLines ? <span className="line same">{`  … ${change.moreLines} more changed line${change.moreLines === 1 ? '' : 's'}\n`}</span> : null}
    </pre>
  );
}

function ValueDiff({ change }: { change: ChangeItem }) {
  return (
    <pre className="diff" aria-label={`changed lines of ${change.path}`}>
      {diffLines(change.before ?? '', change.after ?? '').map((line, index) => (
        <span key={index} className={`line ${line.kind}`}>
          {line.kind === 'removed' ? '- ' : line.kind === 'added' ? '+ ' : '  '}
          {line.text}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

/** Why no lines are shown for a change. */
function noLines(change: ChangeItem): string {
  const size = change.bytes !== undefined ? `${change.bytes} bytes; ` : '';
  if (change.path.startsWith('binaryData.')) return ` (binary, ${change.bytes ?? '?'} bytes)`;
  if (change.op !== 'changed') return change.bytes !== undefined ? ` (${change.bytes} bytes)` : '';
  return ` (${size}lines not known: a Secret's values are never read, and a ConfigMap's previous text is kept up to limits.maxConfigBytes while Tapio watches)`;
}

/**
 * What the root change changed: for a ConfigMap edit the lines it changed (numbered, - old,
 * + new) as the Kubernetes API transformer carried them; for other changes the old and new
 * values; otherwise the keys, saying why no lines are known.
 */
export function ChangeLines({ changes }: { changes: ChangeItem[] }) {
  if (changes.length === 0) return <p className="muted">The root event carries no itemised change.</p>;
  return (
    <ul className="changes">
      {changes.map((change) => (
        <li key={`${change.path}:${change.op}`}>
          <code className="path">{change.path}</code> <span className={`op op-${change.op}`}>{change.op}</span>
          {change.lines?.length ? <LineDiff change={change} /> : change.before !== undefined || change.after !== undefined ? <ValueDiff change={change} /> : <span className="muted">{noLines(change)}</span>}
        </li>
      ))}
    </ul>
  );
}
