import { formatEntity, type Insight } from '@tapio/domain';

export type TrackedChange = 'new' | 'changed' | 'same';

/**
 * What about an insight is worth telling someone again: its severity, pattern, root
 * cause, how many things it touches, and its confidence in 5 % steps. A later event
 * that only moves `lastSeen` is the same story.
 */
export function insightFingerprint(insight: Insight): string {
  return [insight.severity, insight.pattern ?? '', formatEntity(insight.rootCause.entity), insight.symptoms.length, insight.affected.length, Math.round(insight.confidence * 20)].join('|');
}

/**
 * Remembers the insights seen (bounded, least recently seen forgotten first) to tell a
 * new incident from an update of one and from a repeat: the bus delivers every version
 * of an insight, and redelivers some.
 */
export class InsightTracker {
  private readonly seen = new Map<string, string>();

  constructor(private readonly capacity = 50_000) {}

  classify(insight: Insight): TrackedChange {
    const fingerprint = insightFingerprint(insight);
    const previous = this.seen.get(insight.id);
    this.seen.delete(insight.id);
    this.seen.set(insight.id, fingerprint);
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value as string);
    if (previous === undefined) return 'new';
    return previous === fingerprint ? 'same' : 'changed';
  }

  /** An ended incident: if its id ever comes back, it is news again. */
  forget(id: string): void {
    this.seen.delete(id);
  }
}
