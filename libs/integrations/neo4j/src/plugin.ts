// The Neo4j graph's plugin entry (@tapio/neo4j/plugin): `graph.type: neo4j` in tapio.yaml.
// The driver loads only when the store is registered.
import { DeadLetterSink, definePlugin, GRAPH_STORE_PORTS, graphStoreServices, Logger, Metrics } from '@tapio/domain';
import { Neo4jOptions } from './options.js';

/** The knowledge graph on Neo4j 5, shared by every Tapio process that points at it. */
export const neo4jGraphPlugin = definePlugin({
  id: 'neo4j',
  kind: 'graph',
  description: 'Knowledge graph on Neo4j 5 (Bolt), shared by the processes of a distributed Tapio',
  needs: { deadLetters: DeadLetterSink, logger: Logger, metrics: Metrics },
  provides: GRAPH_STORE_PORTS,
  configSchema: Neo4jOptions,
  register: async ({ deps, config }) => {
    const { Neo4jGraphStore } = await import('./neo4j-graph-store.js');
    return { provides: graphStoreServices(new Neo4jGraphStore(config, { deadLetters: deps.deadLetters, logger: deps.logger.child({ component: 'neo4j' }), metrics: deps.metrics })) };
  },
});
