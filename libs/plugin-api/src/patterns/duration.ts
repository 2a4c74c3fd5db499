import { z } from 'zod';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** Windows, retention and timeouts beyond ten years are typos, and overflow timers and dates. */
const MAX_DURATION_MS = 3650 * 86_400_000;

/** Parses "500ms", "30s", "5m", "2h", "1d" (and compound "1h30m"). Throws on anything else. */
export function parseDuration(text: string): number {
  const compound = text.trim().match(/\d+(?:\.\d+)?(?:ms|s|m|h|d)/g);
  if (!compound || compound.join('') !== text.trim()) {
    throw new Error(`invalid duration "${text}" (use e.g. 500ms, 30s, 5m, 2h, 1d)`);
  }
  const ms = compound.reduce((total, part) => {
    const [, value, unit] = part.match(DURATION_RE) as RegExpMatchArray;
    return total + Number(value) * (UNIT_MS[unit as string] as number);
  }, 0);
  if (!(ms <= MAX_DURATION_MS)) throw new Error(`duration "${text}" is longer than the longest accepted, 3650d (ten years)`);
  return ms;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  const rs = s % 60;
  if (m < 60) return rs ? `${m}m${rs}s` : `${m}m`;
  const h = Math.floor(m / 60);
  const rm = m % 60;
  if (h < 48) return rm ? `${h}h${rm}m` : `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/** A duration written as text in config and patterns; validated, kept as text. */
export const Duration = z.string().refine(
  (text) => {
    try {
      parseDuration(text);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'invalid duration (use e.g. 500ms, 30s, 5m, 2h, 1d; at most 3650d)' },
);
