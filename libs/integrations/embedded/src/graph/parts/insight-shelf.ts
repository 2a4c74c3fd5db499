import { insightEntityKeys, type Insight } from '@tapio/domain';

/** A stored insight version, with the entity keys it was indexed under and the parts they came from. */
interface Shelved {
  insight: Insight;
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
  private readonly byId = new Map<string, Shelved>();
  private readonly byKey = new Map<string, Set<string>>();

  constructor(private readonly maxInsights: number) {}

  /** Stores insights, a newer version replacing the older one. */
  put(insights: readonly Insight[]): void {
    for (const insight of insights) this.shelve(insight);
    while (this.byId.size > this.maxInsights) {
      const [oldest, shelved] = this.byId.entries().next().value as [string, Shelved];
      this.unindex(oldest, shelved.keys);
      this.byId.delete(oldest);
    }
  }

  get(id: string): Insight | undefined {
    return this.byId.get(id)?.insight;
  }

  get size(): number {
    return this.byId.size;
  }

  /** Entities indexed (for memory accounting). */
  get entityCount(): number {
    return this.byKey.size;
  }

  values(): Insight[] {
    return [...this.byId.values()].map((shelved) => shelved.insight);
  }

  /** Insights about any of the keys, each once. */
  about(keys: readonly string[]): Insight[] {
    const ids = new Set<string>();
    for (const key of keys) for (const id of this.byKey.get(key) ?? []) ids.add(id);
    return [...ids].map((id) => this.get(id)).filter((insight): insight is Insight => insight !== undefined);
  }

  private shelve(insight: Insight): void {
    const previous = this.byId.get(insight.id);
    const root = insight.rootCause.entity;
    if (previous && previous.root === root && previous.symptoms === insight.symptoms && previous.affected === insight.affected) {
      previous.insight = insight;
      return;
    }
    const keys = insightEntityKeys(insight);
    this.byId.set(insight.id, { insight, root, symptoms: insight.symptoms, affected: insight.affected, keys });
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
