import { silentLogger, type DurableTransformerState, type RawEventTransformer, type StateStore } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { TransformerStateKeeper } from './transformer-state.js';

/** A StateStore in a Map of scopes, to see under which scope each entry goes. */
function memoryStore(): StateStore & { scopes: Map<string, Map<string, unknown>> } {
  const scopes = new Map<string, Map<string, unknown>>();
  return {
    scopes,
    load: async (scope) => [...(scopes.get(scope) ?? new Map<string, unknown>())],
    write: async (scope, changes) => {
      const entries = scopes.get(scope) ?? new Map<string, unknown>();
      for (const [key, value] of changes) if (value === undefined) entries.delete(key);
      else entries.set(key, value);
      scopes.set(scope, entries);
    },
    health: () => ({ status: 'ok' }),
    close: async () => undefined,
  };
}

function statefulTransformer(scope: string, pending: Array<readonly [string, unknown]>, restored: Array<readonly [string, unknown]>): RawEventTransformer {
  const durableState: DurableTransformerState = {
    scope,
    restore: (entries) => void restored.push(...entries),
    changes: () => pending.splice(0),
  };
  return { sources: ['kubeapi'], transform: () => [], durableState };
}

describe('TransformerStateKeeper', () => {
  it("keeps a partitioned transformer's state under a scope of its own, and restores only that", async () => {
    const store = memoryStore();
    await store.write('kubeapi', [['Node|n1', { v: 'unpartitioned' }]]);
    const pending: Array<readonly [string, unknown]> = [];
    const restored: Array<readonly [string, unknown]> = [];
    const keeper = new TransformerStateKeeper(store, [statefulTransformer('kubeapi', pending, restored)], silentLogger, 'p1of2');
    await keeper.restore();
    expect(restored).toEqual([]);
    pending.push(['Node|n1', { v: 'partition 1' }]);
    await keeper.write(keeper.take());
    expect(store.scopes.get('kubeapi-p1of2')).toEqual(new Map([['Node|n1', { v: 'partition 1' }]]));
    expect(store.scopes.get('kubeapi')).toEqual(new Map([['Node|n1', { v: 'unpartitioned' }]]));

    const again: Array<readonly [string, unknown]> = [];
    await new TransformerStateKeeper(store, [statefulTransformer('kubeapi', [], again)], silentLogger, 'p1of2').restore();
    expect(again).toEqual([['Node|n1', { v: 'partition 1' }]]);
  });

  it('keeps the transformer\'s own scope when not partitioned', async () => {
    const store = memoryStore();
    const pending: Array<readonly [string, unknown]> = [['Pod|a', 1]];
    const keeper = new TransformerStateKeeper(store, [statefulTransformer('kubeapi', pending, [])], silentLogger);
    await keeper.write(keeper.take());
    expect([...store.scopes.keys()]).toEqual(['kubeapi']);
  });
});
