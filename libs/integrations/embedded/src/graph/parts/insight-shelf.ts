import { insightEntityKeys, type Insight } from '@tapio/domain';

/** The entity keys an insight version was indexed under, with the parts they came from. */
interface Indexed {
  root: Insight['rootCause']['entity'];
  symptoms: Insight['symptoms'];
  affected: Insight['affected'];
  keys: readonly string[];
}

/**
 * Insights by id (oldest dropped beyond the limit) and by every entity they are about.
 * A new version of an insight is mostly the old one with a new confidence or story (the
 * engine re-rates every open incident of a pattern when one of its predictions is judged):
 * its entities are the same arrays, so it is indexed again only when they differ, and then
 * by the keys that came and went.
 */
export class InsightShelf {
  private readonly byId = new Map<string, Insight>();
  private readonly byKey = new Map<string, Set<string>>();
  private readonly indexed = new Map<string, Indexed>();

  constructor(private readonly maxInsights: number) {}

  /** Stores insights, a newer version replacing the older one. */
  put(insights: readonly Insight[]): void {
    for (const insight of insights) {
      this.byId.set(insight.id, insight);
      this.reindex(insight);
    }
    while (this.byId.size > this.maxInsights) {
      const oldest = this.byId.keys().next().value as string;
      this.unindex(oldest, this.indexed.get(oldest)?.keys ?? []);
      this.indexed.delete(oldest);
      this.byId.delete(oldest);
    }
  }

  get(id: string): Insight | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Entities indexed (for memory accounting). */
  get entityCount(): number {
    return this.byKey.size;
  }

  values(): Insight[] {
    return [...this.byId.values()];
  }

  /** Insights about any of the keys, each once. */
  about(keys: readonly string[]): Insight[] {
    const ids = new Set<string>();
    for (const key of keys) for (const id of this.byKey.get(key) ?? []) ids.add(id);
    return [...ids].map((id) => this.byId.get(id)).filter((insight): insight is Insight => insight !== undefined);
  }

  private reindex(insight: Insight): void {
    const previous = this.indexed.get(insight.id);
    const root = insight.rootCause.entity;
    if (previous && previous.root === root && previous.symptoms === insight.symptoms && previous.affected === insight.affected) return;
    const keys = insightEntityKeys(insight);
    this.indexed.set(insight.id, { root, symptoms: insight.symptoms, affected: insight.affected, keys });
    if (previous) {
      const now = new Set(keys);
      this.unindex(insight.id, previous.keys.filter((key) => !now.has(key)));
    }
    for (const key of keys) {
      let ids = this.byKey.get(key);
      if (!ids) this.byKey.set(key, (ids = new Set()));
      ids.add(insight.id);
    }
  }

  private unindex(id: string, keys: readonly string[]): void {
    for (const key of keys) {
      const ids = this.byKey.get(key);
      if (!ids) continue;
      ids.delete(id);
      // An entity no stored insight is about leaves the index (pods come and go under new names).
      if (ids.size === 0) this.byKey.delete(key);
    }
  }
}
