// Preloaded into the soak's Tapio (NODE_OPTIONS=--require): on SIGUSR2 it collects garbage
// and writes the heap figures after the collection to SOAK_PROBE_FILE, so the soak compares
// live memory, not points of the GC sawtooth. On SIGUSR1... nothing: that one is Node's
// inspector. A heap snapshot is taken on SIGUSR2 too when SOAK_SNAPSHOT_DIR is set and the
// file SOAK_SNAPSHOT_DIR/take exists (the soak creates it at warm-up and at the end).
'use strict';
const { existsSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const file = process.env.SOAK_PROBE_FILE;
const snapshots = process.env.SOAK_SNAPSHOT_DIR;
let taken = 0;

process.on('SIGUSR2', () => {
  gc();
  gc();
  const heap = v8.getHeapStatistics();
  const memory = process.memoryUsage();
  const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((space) => [space.space_name, space.space_used_size]));
  let snapshot;
  if (snapshots && existsSync(join(snapshots, 'take'))) {
    rmSync(join(snapshots, 'take'));
    taken += 1;
    snapshot = v8.writeHeapSnapshot(join(snapshots, `soak-${taken}.heapsnapshot`));
  }
  const figures = { at: Date.now(), heapUsed: heap.used_heap_size, heapTotal: heap.total_heap_size, mallocked: heap.malloced_memory, rss: memory.rss, external: memory.external, arrayBuffers: memory.arrayBuffers, spaces, snapshot };
  if (file) writeFileSync(file, JSON.stringify(figures));
});
