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

  constructor(
    private readonly store: StateStore,
    transformers: readonly RawEventTransformer[],
    private readonly logger: Logger,
  ) {
    this.states = [...new Set(transformers)].flatMap((transformer) => (transformer.durableState ? [transformer.durableState] : []));
  }

  /** Loads every stateful transformer's entries; must finish before the first transform. */
  async restore(): Promise<void> {
    for (const state of this.states) {
      const started = Date.now();
      const entries = await this.store.load(state.scope);
      state.restore(entries);
      this.logger.info({ scope: state.scope, entries: entries.length, ms: Date.now() - started }, 'transformer state restored');
    }
  }

  /** Writes what the last transform changed (taken at once, before any await); resolves when durable. */
  persist(): Promise<void> {
    const writes: Promise<void>[] = [];
    for (const state of this.states) {
      const changes = state.changes();
      if (changes.length > 0) writes.push(this.store.write(state.scope, changes));
    }
    return writes.length === 0 ? Promise.resolve() : Promise.all(writes).then(() => undefined);
  }
}
