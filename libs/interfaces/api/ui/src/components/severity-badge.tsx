import type { Severity } from '../api/types.ts';

/** Severity as a word and a colour: never colour alone. */
export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span className={`badge severity-${severity}`}>{severity}</span>;
}
