// node tools/bench/heap-diff.mjs first.heapsnapshot second.heapsnapshot: what grew between two
// V8 heap snapshots (the soak's SOAK_SNAPSHOTS=1), by constructor / node name: count and self
// size in each, the 25 largest growths first. Whole-snapshot JSON: give Node memory
// (--max-old-space-size=8192 for snapshots of a few hundred MB).
import { readFileSync } from 'node:fs';

function summarise(file) {
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  const { node_fields: fields, node_types: [types] } = snapshot.snapshot.meta;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const { nodes, strings } = snapshot;
  const groups = new Map();
  for (let index = 0; index < nodes.length; index += width) {
    const type = types[nodes[index + typeAt]];
    const name = type === 'object' || type === 'closure' || type === 'native' ? strings[nodes[index + nameAt]] : `(${type})`;
    const key = `${type}:${String(name).slice(0, 80)}`;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += nodes[index + sizeAt];
    groups.set(key, group);
  }
  return groups;
}

const [firstFile, secondFile] = process.argv.slice(2);
if (!firstFile || !secondFile) {
  console.error('usage: node tools/bench/heap-diff.mjs first.heapsnapshot second.heapsnapshot');
  process.exit(2);
}
const first = summarise(firstFile);
const second = summarise(secondFile);
const total = (groups) => [...groups.values()].reduce((sum, group) => sum + group.bytes, 0);
const rows = [...new Set([...first.keys(), ...second.keys()])].map((key) => {
  const a = first.get(key) ?? { count: 0, bytes: 0 };
  const b = second.get(key) ?? { count: 0, bytes: 0 };
  return { key, countA: a.count, countB: b.count, bytesA: a.bytes, bytesB: b.bytes, grew: b.bytes - a.bytes };
});
rows.sort((x, y) => y.grew - x.grew);
const mb = (bytes) => (bytes / 2 ** 20).toFixed(2);
console.log(`self sizes: ${mb(total(first))} MB -> ${mb(total(second))} MB`);
for (const row of rows.slice(0, 25)) console.log(`${mb(row.grew).padStart(8)} MB  ${String(row.countA).padStart(9)} -> ${String(row.countB).padEnd(9)} ${mb(row.bytesA)} -> ${mb(row.bytesB)} MB  ${row.key}`);
