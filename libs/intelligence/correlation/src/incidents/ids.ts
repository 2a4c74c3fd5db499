import { stableHash } from '@tapio/domain';

/** Short deterministic id: replays of one recording produce the same insight and prediction ids. */
export function deterministicId(prefix: string, ...parts: string[]): string {
  const text = parts.join('|');
  const a = stableHash(text).toString(16).padStart(8, '0');
  const b = stableHash(`${text}#`).toString(16).padStart(8, '0');
  return `${prefix}-${a}${b}`;
}
