import neo4j, { type Driver } from 'neo4j-driver';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startNeo4j, type Neo4jTestServer, type Neo4jTestServerOptions } from '../../../../tools/neo4j/test-server.mjs';
import { Neo4jGraphStore, type Neo4jOptionsInput } from '../src/index.js';

export interface Harness {
  server: Neo4jTestServer;
  /** A raw driver for assertions on the stored graph. */
  driver: Driver;
  store(options?: Partial<Neo4jOptionsInput>): Promise<Neo4jGraphStore>;
  /** Deletes every node and relationship (the schema stays). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

/** One real Neo4j for a test file, plus stores connected to it that `close` stops. */
export async function startHarness(serverOptions: Neo4jTestServerOptions = {}): Promise<Harness> {
  const server = await startNeo4j(serverOptions);
  const auth = serverOptions.password ? neo4j.auth.basic('neo4j', serverOptions.password) : undefined;
  const driver = neo4j.driver(server.uri, auth, { disableLosslessIntegers: true });
  const stores: Neo4jGraphStore[] = [];
  return {
    server,
    driver,
    async store(options = {}) {
      const store = new Neo4jGraphStore({ uri: server.uri, ...(serverOptions.password ? { password: serverOptions.password } : {}), ...options });
      await store.start();
      stores.push(store);
      return store;
    },
    async clear() {
      await driver.executeQuery('MATCH (n) DETACH DELETE n', {}, { database: 'neo4j' });
    },
    async close() {
      for (const store of stores) await store.stop().catch(() => undefined);
      await driver.close();
      await server.stop();
    },
  };
}

/** What a store test file works with once its Neo4j is up: the harness (raw driver, more stores) and the file's store. */
export interface Neo4jStoreSuite {
  harness: Harness;
  store: Neo4jGraphStore;
}

/**
 * The set-up of a test file about one store, as vitest hooks: a real Neo4j started once for
 * the file with a store connected to it (both stopped after the file), and an empty graph
 * before each test. The returned object is filled in when the file's `beforeAll` has run.
 */
export function useNeo4jStore(storeOptions: Partial<Neo4jOptionsInput> = {}): Neo4jStoreSuite {
  const suite = {} as Neo4jStoreSuite;
  beforeAll(async () => {
    suite.harness = await startHarness();
    suite.store = await suite.harness.store(storeOptions);
  }, 360_000);
  afterAll(async () => suite.harness?.close());
  beforeEach(async () => suite.harness.clear());
  return suite;
}

/** Every node (labels and properties) and relationship, in a stable order: equal graphs give equal snapshots. */
export async function graphSnapshot(driver: Driver): Promise<{ nodes: string[]; relationships: string[] }> {
  const nodes = await driver.executeQuery(
    'MATCH (n) RETURN labels(n) AS labels, properties(n) AS props',
  );
  const relationships = await driver.executeQuery(
    'MATCH (a)-[r]->(b) RETURN type(r) AS type, coalesce(a.key, a.id) AS from, coalesce(b.key, b.id) AS to, properties(r) AS props',
  );
  const text = (value: unknown) => JSON.stringify(value, (_key, item: unknown) => (item && typeof item === 'object' && 'toString' in item && !Array.isArray(item) && item.constructor?.name !== 'Object' ? String(item) : item));
  return {
    nodes: nodes.records.map((record) => text({ labels: [...(record.get('labels') as string[])].sort(), props: sortKeys(record.get('props')) })).sort(),
    relationships: relationships.records.map((record) => text({ ...record.toObject(), props: sortKeys(record.get('props')) })).sort(),
  };
}

function sortKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}
