// node --max-old-space-size=8192 tools/bench/heap-retainers.mjs first.heapsnapshot second.heapsnapshot [depth|owner]
// Who holds what grew between two V8 heap snapshots of one process (the soak's
// SOAK_SNAPSHOTS=1). Every object reachable from the GC roots (weak edges do not retain) is
// followed up its shortest path from the roots; objects are grouped by the first `depth`
// steps of that path (default 6), or with `owner` by the nearest holder that is an instance
// of a named class and its field (`RecentIds.order`), in each snapshot, and the groups that grew most are
// listed with their count and self size before and after. Where heap-diff.mjs says which
// constructors grew, this says which structure keeps them: a bounded structure that churns
// (the graph's event log at its bound) nets out, a growing one does not.
import { readFileSync } from 'node:fs';

/** Containers and plain values: an owner is the nearest holder that is none of these. */
const GENERIC = new Set(['Object', 'Array', 'Map', 'Set', 'system / Context', 'Promise', 'WeakMap', 'WeakSet']);

/** Self size and count of every reachable object, grouped by its retainer path (or its owner). */
function groupsOf(file, depth, byOwner) {
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  const meta = snapshot.snapshot.meta;
  const { nodes, edges, strings } = snapshot;
  const width = meta.node_fields.length;
  const edgeWidth = meta.edge_fields.length;
  const [typeAt, nameAt, sizeAt, edgeCountAt] = ['type', 'name', 'self_size', 'edge_count'].map((name) => meta.node_fields.indexOf(name));
  const [edgeTypeAt, edgeNameAt, toAt] = ['type', 'name_or_index', 'to_node'].map((name) => meta.edge_fields.indexOf(name));
  const nodeTypes = meta.node_types[typeAt];
  const edgeTypes = meta.edge_types[edgeTypeAt];
  const count = nodes.length / width;

  // Edges are stored in node order: the first edge of each node.
  const firstEdge = new Uint32Array(count + 1);
  for (let node = 0, edge = 0; node < count; node += 1) {
    firstEdge[node] = edge;
    edge += nodes[node * width + edgeCountAt] * edgeWidth;
  }
  firstEdge[count] = edges.length;

  // Breadth-first from the synthetic root: each node's parent on a shortest path, and the edge.
  const parent = new Int32Array(count).fill(-1);
  const parentEdge = new Int32Array(count).fill(-1);
  const queue = new Uint32Array(count);
  let head = 0;
  let tail = 0;
  queue[tail++] = 0;
  parent[0] = 0;
  while (head < tail) {
    const node = queue[head++];
    for (let edge = firstEdge[node]; edge < firstEdge[node + 1]; edge += edgeWidth) {
      const type = edgeTypes[edges[edge + edgeTypeAt]];
      if (type === 'weak' || type === 'shortcut') continue;
      const to = edges[edge + toAt] / width;
      if (parent[to] !== -1) continue;
      parent[to] = node;
      parentEdge[to] = edge;
      queue[tail++] = to;
    }
  }

  const nameOf = (node) => {
    const type = nodeTypes[nodes[node * width + typeAt]];
    const name = strings[nodes[node * width + nameAt]];
    return type === 'object' || type === 'closure' || type === 'native' || type === 'synthetic' ? String(name).slice(0, 60) : `(${type})`;
  };
  const edgeLabel = (edge) => {
    const type = edgeTypes[edges[edge + edgeTypeAt]];
    if (type === 'element' || type === 'hidden') return '[]';
    const name = String(strings[edges[edge + edgeNameAt]]);
    return type === 'context' ? `ctx:${name}` : /^\d+$/.test(name) ? '[]' : name.slice(0, 40);
  };

  // By owner: the nearest holder on the path that is an instance of a named class, and its field.
  const ownerOf = (node) => {
    for (let at = node; at !== 0; at = parent[at]) {
      const holder = parent[at];
      const type = nodeTypes[nodes[holder * width + typeAt]];
      if (type === 'object' && !GENERIC.has(nameOf(holder))) return `${nameOf(holder)}.${edgeLabel(parentEdge[at])}`;
    }
    return '(roots)';
  };
  const groups = new Map();
  for (let node = 1; node < count; node += 1) {
    if (parent[node] === -1) continue;
    const steps = [nameOf(node)];
    for (let at = node, step = 0; at !== 0 && step < depth; step += 1) {
      steps.push(`${nameOf(parent[at])}.${edgeLabel(parentEdge[at])}`);
      at = parent[at];
    }
    const key = byOwner ? ownerOf(node) : steps.join(' <- ');
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += nodes[node * width + sizeAt];
    groups.set(key, group);
  }
  return groups;
}

const [firstFile, secondFile, depthText] = process.argv.slice(2);
if (!firstFile || !secondFile) {
  console.error('usage: node --max-old-space-size=8192 tools/bench/heap-retainers.mjs first.heapsnapshot second.heapsnapshot [depth|owner]');
  process.exit(2);
}
const byOwner = depthText === 'owner';
const depth = byOwner ? 0 : Number(depthText ?? 6);
const first = groupsOf(firstFile, depth, byOwner);
const second = groupsOf(secondFile, depth, byOwner);
const none = { count: 0, bytes: 0 };
const rows = [...new Set([...first.keys(), ...second.keys()])].map((key) => ({ key, a: first.get(key) ?? none, b: second.get(key) ?? none }));
rows.sort((x, y) => y.b.bytes - y.a.bytes - (x.b.bytes - x.a.bytes));
const mb = (bytes) => (bytes / 2 ** 20).toFixed(2);
const total = (groups) => [...groups.values()].reduce((sum, group) => sum + group.bytes, 0);
console.log(`reachable self size: ${mb(total(first))} MB -> ${mb(total(second))} MB`);
const print = ({ key, a, b }) => console.log(`${mb(b.bytes - a.bytes).padStart(7)} MB ${String(a.count).padStart(8)} -> ${String(b.count).padEnd(8)} ${key}`);
rows.slice(0, 30).forEach(print);
// What shrank most: a structure pruned in batches (a sawtooth) shows here when the first snapshot caught its peak.
console.log('shrank most:');
rows.slice(-10).reverse().forEach(print);
