import type { TimeRange } from '@tapio/domain';

/** Whether a timestamp lies within a range (both ends inclusive, each optional). */
export function inRange(timestamp: string, range: TimeRange): boolean {
  if (range.since && Date.parse(timestamp) < Date.parse(range.since)) return false;
  if (range.until && Date.parse(timestamp) > Date.parse(range.until)) return false;
  return true;
}
