import { insightEntityKeys, type Insight } from '@tapio/domain';

/** Insights by id (oldest dropped beyond the limit) and by every entity they are about. */
export class InsightShelf {
  private readonly byId = new Map<string, Insight>();
  private readonly byKey = new Map<string, Set<string>>();

  constructor(private readonly maxInsights: number) {}

  /** Stores insights, a newer version replacing the older one. */
  put(insights: readonly Insight[]): void {
    for (const insight of insights) {
      const previous = this.byId.get(insight.id);
      if (previous) this.unindex(previous);
      this.byId.set(insight.id, insight);
      for (const key of insightEntityKeys(insight)) {
        let ids = this.byKey.get(key);
        if (!ids) this.byKey.set(key, (ids = new Set()));
        ids.add(insight.id);
      }
    }
    while (this.byId.size > this.maxInsights) {
      const oldest = this.byId.keys().next().value as string;
      this.unindex(this.byId.get(oldest) as Insight);
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

  private unindex(insight: Insight): void {
    for (const key of insightEntityKeys(insight)) {
      const ids = this.byKey.get(key);
      if (!ids) continue;
      ids.delete(insight.id);
      // An entity no stored insight is about leaves the index (pods come and go under new names).
      if (ids.size === 0) this.byKey.delete(key);
    }
  }
}
