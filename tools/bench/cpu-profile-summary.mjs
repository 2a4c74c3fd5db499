#!/usr/bin/env node
// Shares of a .cpuprofile (from --cpu-prof or BENCH_PROFILE of bench:correlation): the top
// functions by self time, and the inclusive share of named functions (a function counted once
// per sample, however deep it recurses), relative to a root function given as the first name.
//
//   node tools/bench/cpu-profile-summary.mjs file.cpuprofile [root=process] [name ...]
import { readFileSync } from 'node:fs';

const [file, root = 'process', ...names] = process.argv.slice(2);
if (!file) throw new Error('usage: cpu-profile-summary.mjs file.cpuprofile [root] [name ...]');
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const label = (node) => `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`;
const counts = new Map();
for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
const self = new Map();
const inclusive = new Map();
let total = 0;
let underRoot = 0;
for (const [id, count] of counts) {
  total += count;
  const node = byId.get(id);
  self.set(label(node), (self.get(label(node)) ?? 0) + count);
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const name = byId.get(at).callFrame.functionName;
    if (!seen.has(name)) {
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + count);
    }
  }
  if (seen.has(root)) underRoot += count;
}
const pct = (count, of) => `${((100 * count) / of).toFixed(1)}%`;
console.log(`${total} samples; ${root}: ${underRoot} (${pct(underRoot, total)}); (garbage collector) ${pct(self.get('(garbage collector) :0') ?? 0, total)}`);
console.log('self time, top 30 (share of all samples):');
for (const [name, count] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${pct(count, total).padStart(6)}  ${name}`);
if (names.length) {
  console.log(`inclusive, share of ${root}:`);
  for (const name of names) console.log(`  ${pct(inclusive.get(name) ?? 0, underRoot).padStart(6)}  ${name}`);
}
