import neo4j from 'neo4j-driver';
import { startNeo4j } from '/work/main/tools/neo4j/test-server.mjs';
const server = await startNeo4j({});
const driver = neo4j.driver(server.uri, undefined, { disableLosslessIntegers: true });
const q = (t, p = {}) => driver.executeQuery(t, p, { database: 'neo4j' });
await q('CREATE CONSTRAINT ev IF NOT EXISTS FOR (n:Event) REQUIRE n.id IS UNIQUE');
// a 300-long chain plus a dense fan: root -> 50 -> each 50 (2500) 
await q('UNWIND range(0,299) AS i CREATE (:Event {id: "c" + i, data: "x"})');
await q('UNWIND range(0,298) AS i MATCH (a:Event {id: "c" + i}), (b:Event {id: "c" + (i+1)}) CREATE (a)-[:CAUSED]->(b)');
await q('CREATE (:Event {id: "r", data: "x"})');
await q('UNWIND range(0,49) AS i CREATE (:Event {id: "m" + i, data: "x"})');
await q('UNWIND range(0,49) AS i MATCH (r:Event {id: "r"}), (m:Event {id: "m" + i}) CREATE (r)-[:CAUSED]->(m)');
await q('UNWIND range(0,49) AS j CREATE (:Event {id: "l" + j, data: "x"})');
await q('UNWIND range(0,49) AS i UNWIND range(0,49) AS j MATCH (m:Event {id: "m" + i}), (l:Event {id: "l" + j}) CREATE (m)-[:TRIGGERED]->(l)');
await q('UNWIND range(0,49) AS j MATCH (l:Event {id: "l" + j}), (c:Event {id: "c0"}) CREATE (l)-[:CAUSED]->(c)');
const text = (dir) => `MATCH (e:Event) WHERE e.id IN $ids MATCH (e)${dir === 'out' ? '-[:CAUSED|TRIGGERED*1..]->' : '<-[:CAUSED|TRIGGERED*1..]-'}(next) WHERE NOT next.id IN $ids RETURN DISTINCT next.id AS id, next.data AS data LIMIT 200`;
const plan = await q('EXPLAIN ' + text('out'), { ids: ['r'] });
const ops = []; (function walk(p) { ops.push(p.operatorType); (p.children || []).forEach(walk); })(plan.summary.plan);
console.log(ops.join(' <- '));
for (const [start, dir] of [['r', 'out'], ['c0', 'out'], ['c299', 'in'], ['c150', 'in'], ['r', 'out'], ['c0', 'out'], ['c299', 'in'], ['c150', 'in'], ['m3', 'in']]) {
  const t0 = performance.now();
  const r = await q(text(dir), { ids: [start] });
  console.log(start, dir, r.records.length, 'rows', (performance.now() - t0).toFixed(1), 'ms', r.records.slice(0, 5).map((x) => x.get('id')).join(','));
}
await driver.close(); await server.stop();
