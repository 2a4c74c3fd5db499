import type { Insight } from '@tapio/domain';
import { sameJson } from '../state/shared-parts.js';

/** A field a new version most often changes differs (then the versions differ; otherwise they may still). */
function differsAtOnce(a: Insight, b: Insight): boolean {
  return a.lastSeen !== b.lastSeen || a.confidence !== b.confidence || a.symptoms.length !== b.symptoms.length || a.story !== b.story;
}

/**
 * The version of each insight the engine last put in an output, so one that would say the
 * same again is left out. A fold pass outputs an incident's root and the incidents folded into
 * it whenever one of them changes, and most of those views come out as they were last told:
 * in a 30,000-event recording a quarter of all insight versions repeated the one before,
 * each written to the graph and published again. Bounded by the book: versions of incidents
 * that left it are dropped once the memory holds twice as many as the book.
 */
export class ToldInsights {
  private readonly told = new Map<string, Insight>();

  /** `insights` without those that say what was last told of them; notes the rest as told. */
  news(insights: readonly Insight[]): Insight[] {
    const fresh: Insight[] = [];
    for (const insight of insights) {
      const last = this.told.get(insight.id);
      // Value for value and key for key: the same text for every store and subscriber. The
      // fields a new version most often changes are looked at first (a recomposed insight
      // differs after its root cause and symptoms, which the ordered walk reads before); one
      // that repeats costs a walk, not a write and a message.
      if (last !== undefined && !differsAtOnce(last, insight) && sameJson(last, insight)) continue;
      this.told.set(insight.id, insight);
      fresh.push(insight);
    }
    return fresh;
  }

  /** Forgets the versions of incidents `inBook` no longer holds, once they outnumber the book's. */
  trim(bookSize: number, inBook: (id: string) => boolean): void {
    if (this.told.size <= 2 * bookSize + 1_000) return;
    for (const id of this.told.keys()) if (!inBook(id)) this.told.delete(id);
  }

  get size(): number {
    return this.told.size;
  }
}
