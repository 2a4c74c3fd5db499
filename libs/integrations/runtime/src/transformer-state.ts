import type { DurableTransformerState, Logger, RawEventTransformer, StateStore } from '@tapio/domain';

/**
 * Keeps the stateful transformers' state (their previous versions of each object) in a
 * durable StateStore: read back once before the first transform, written after each
 * transform. The transformer stage acknowledges a RawEvent only after both its derived
 * events and its state writes are durable; a RawEvent delivered again after a crash is
 * recognised by the transformer (see DurableTransformerState), so nothing is lost or doubled.
 */
export class TransformerStateKeeper {
  private readonly states: DurableTransformerState[];

  /**
   * `partition`: a partitioned transformer's share (`p0of2`): its state goes under scopes of
   * its own (`kubeapi-p0of2`), so no key has two writers (each partition sees the
   * cluster-scoped objects, and writes their versions, itself).
   */
  constructor(
    private readonly store: StateStore,
    transformers: readonly RawEventTransformer[],
    private readonly logger: Logger,
    private readonly partition?: string,
  ) {
    this.states = [...new Set(transformers)].flatMap((transformer) => (transformer.durableState ? [transformer.durableState] : []));
  }

  private scopeOf(state: DurableTransformerState): string {
    return this.partition ? `${state.scope}-${this.partition}` : state.scope;
  }

  /** Loads every stateful transformer's entries; must finish before the first transform. */
  async restore(): Promise<void> {
    for (const state of this.states) {
      const started = Date.now();
      const scope = this.scopeOf(state);
      const entries = await this.store.load(scope);
      state.restore(entries);
      this.logger.info({ scope, entries: entries.length, ms: Date.now() - started }, 'transformer state restored');
    }
  }

  /** What the last transform changed, taken at once (before any await). */
  take(): Array<{ scope: string; changes: Array<readonly [string, unknown]> }> {
    const taken: Array<{ scope: string; changes: Array<readonly [string, unknown]> }> = [];
    for (const state of this.states) {
      const changes = state.changes();
      if (changes.length > 0) taken.push({ scope: this.scopeOf(state), changes });
    }
    return taken;
  }

  /**
   * Writes what `take` returned; resolves when durable. Called after the transform's events
   * are published: publishes on one connection are stored in order, so the stored state
   * never holds a version whose events are not stored yet, and a RawEvent delivered again
   * after a crash is newer than the state, or found in it.
   */
  write(taken: ReadonlyArray<{ scope: string; changes: ReadonlyArray<readonly [string, unknown]> }>): Promise<void> {
    if (taken.length === 0) return Promise.resolve();
    return Promise.all(taken.map(({ scope, changes }) => this.store.write(scope, changes))).then(() => undefined);
  }
}
