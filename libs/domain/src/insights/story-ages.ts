/**
 * Stories are stored with absolute times only, so they never go stale. Where one is shown
 * (the CLI, `tapio analyze`), this adds "N minutes ago" against the reader's clock, or for
 * a recording against its end: to the time that opens the story (when the root cause
 * happened) and to the last previous occurrence.
 */
export function ageText(at: string, nowMs: number): string {
  const minutes = Math.round((nowMs - Date.parse(at)) / 60_000);
  if (Number.isNaN(minutes)) return '';
  if (minutes < 0) return 'in the future';
  if (minutes < 1) return 'just now';
  if (minutes < 120) return `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} hours ago` : `${Math.round(hours / 24)} days ago`;
}

const ISO = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?(?:Z|[+-]\\d{2}:\\d{2})';
const OPENING = new RegExp(`^(${ISO})(?=: )`);
const PREVIOUS = new RegExp(`(Previous occurrence: same pattern at )(${ISO})`);

export function storyWithAges(story: string, nowMs: number): string {
  const lines = story.split('\n');
  return lines
    .map((line, index) => {
      if (index === 0) return line.replace(OPENING, (at: string) => `${at} (${ageText(at, nowMs)})`);
      return line.replace(PREVIOUS, (_all, lead: string, at: string) => `${lead}${at} (${ageText(at, nowMs)})`);
    })
    .join('\n');
}
