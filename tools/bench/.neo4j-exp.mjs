import neo4j from 'neo4j-driver';
import { startNeo4j } from '../neo4j/test-server.mjs';
const server = await startNeo4j({ heapMb: 4096, pageCacheMb: 4096, startTimeoutMs: 180000 });
const driver = neo4j.driver(server.uri, undefined, { disableLosslessIntegers: true });
const q = (t, p = {}) => driver.executeQuery(t, p, { database: 'neo4j' });
await q('CREATE CONSTRAINT ev IF NOT EXISTS FOR (n:Event) REQUIRE n.id IS UNIQUE');
await q('CREATE CONSTRAINT rs IF NOT EXISTS FOR (n:Resource) REQUIRE n.key IS UNIQUE');
await q('UNWIND range(0,4999) AS i CREATE (:Resource:Pod {key: "pod-" + i})');
let serial = 0;
function rows(n, withData) {
  return Array.from({ length: n }, () => { const i = serial++; return { id: 'e' + i, key: 'pod-' + (i * 7919 % 5000), props: { id: 'e' + i, type: 'pod_restart', severity: 'warning', severity_rank: neo4j.int(2), message: 'pod restarted ' + i, source: 'kubeapi', timestamp: neo4j.types.DateTime.fromStandardDate(new Date(1772400000000 + i * 50)), processed_at: neo4j.types.DateTime.fromStandardDate(new Date(1772400000000 + i * 50)), category: 'lifecycle', intent: 'restart', entity_key: 'pod-' + (i * 7919 % 5000), trace_id: null, ...(withData ? { data: JSON.stringify({ id: 'e' + i, type: 'pod_restart', message: 'pod restarted', entity: { kind: 'Pod', name: 'x', namespace: 'y' }, kubernetes: { reason: 'x', restartCount: 3 } }) } : {}) } }; });
}
async function trial(name, text, n = 5000, reps = 6, withData = true) {
  let best = Infinity, total = 0, bestCpu = 0;
  for (let r = 0; r < reps; r++) {
    const params = { rows: rows(n, withData) };
    const t0 = performance.now(); const c0 = process.cpuUsage();
    const s = driver.session({ database: 'neo4j' });
    await s.executeWrite((tx) => tx.run(text, params));
    await s.close();
    const ms = performance.now() - t0; total += ms; if (r > 0 && ms < best) { best = ms; const c = process.cpuUsage(c0); bestCpu = (c.user + c.system) / 1000; }
  }
  console.log(name.padEnd(40), `${(best / n * 1000).toFixed(1)} us/row best, ${Math.round(n / (best / 1000))} rows/s, node cpu ${(bestCpu / n * 1000).toFixed(1)} us/row`);
}
await trial('current MERGE+AFFECTS', `UNWIND $rows AS row MERGE (e:Event {id: row.id}) ON CREATE SET e = row.props WITH e, row WHERE row.key IS NOT NULL AND e.entity_key = row.key MATCH (r:Resource {key: row.key}) MERGE (e)-[:AFFECTS]->(r)`);
await trial('MERGE only', `UNWIND $rows AS row MERGE (e:Event {id: row.id}) ON CREATE SET e = row.props`);
await trial('CREATE only', `UNWIND $rows AS row CREATE (e:Event) SET e = row.props`);
await trial('MERGE no data', `UNWIND $rows AS row MERGE (e:Event {id: row.id}) ON CREATE SET e = row.props`, 5000, 6, false);
await trial('MERGE + CREATE AFFECTS', `UNWIND $rows AS row MERGE (e:Event {id: row.id}) ON CREATE SET e = row.props WITH e, row MATCH (r:Resource {key: row.key}) CREATE (e)-[:AFFECTS]->(r)`);
await q('CREATE INDEX ts IF NOT EXISTS FOR (n:Event) ON (n.timestamp)');
await q('CREATE INDEX tts IF NOT EXISTS FOR (n:Event) ON (n.type, n.timestamp)');
await q('CALL db.awaitIndexes()');
await trial('current + 2 indexes', `UNWIND $rows AS row MERGE (e:Event {id: row.id}) ON CREATE SET e = row.props WITH e, row WHERE row.key IS NOT NULL AND e.entity_key = row.key MATCH (r:Resource {key: row.key}) MERGE (e)-[:AFFECTS]->(r)`);
await trial('current + 2 indexes, 20000 rows', `UNWIND $rows AS row MERGE (e:Event {id: row.id}) ON CREATE SET e = row.props WITH e, row WHERE row.key IS NOT NULL AND e.entity_key = row.key MATCH (r:Resource {key: row.key}) MERGE (e)-[:AFFECTS]->(r)`, 20000, 3);
await trial('CYPHER runtime=slotted? parallel n/a; interpreted', `CYPHER runtime=interpreted UNWIND $rows AS row MERGE (e:Event {id: row.id}) ON CREATE SET e = row.props WITH e, row WHERE row.key IS NOT NULL AND e.entity_key = row.key MATCH (r:Resource {key: row.key}) MERGE (e)-[:AFFECTS]->(r)`);
await driver.close(); await server.stop();
