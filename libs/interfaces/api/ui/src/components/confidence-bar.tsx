import { percent } from '../format/format.ts';

/** Current confidence as a bar, with the base it started from marked: feedback moves the bar away from the mark. */
export function ConfidenceBar({ value, base, label }: { value: number; base?: number; label: string }) {
  return (
    <span className="confidence">
      <span className="bar" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(value * 100)} aria-valuetext={percent(value)}>
        <span className="fill" style={{ width: percent(value) }} />
        {base !== undefined && <span className="base" style={{ left: percent(base) }} title={`base ${percent(base)}`} />}
      </span>
      <span className="value">{percent(value)}</span>
    </span>
  );
}
