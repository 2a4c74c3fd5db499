// @tapio/neo4j (level 3): the GraphStore port on Neo4j 5, its options schema and graph schema.
export { Neo4jGraphStore } from './neo4j-graph-store.js';
export type { Neo4jGraphStoreDependencies } from './neo4j-graph-store.js';
export { Neo4jOptions, describeTarget } from './options.js';
export type { Neo4jOptionsInput } from './options.js';
export { schemaStatements, schemaNames, RESOURCE } from './schema/graph-schema.js';
