// Where the transform stage allocates: V8's sampling heap profiler over `Pipeline.transform` on
// the traffic of `npm run bench:transform`, counting objects the collector took again too (what
// the garbage collector's share of the stage's profile pays for), by the function that
// allocated them, in bytes per RawEvent; then the allocations of native helpers (sort, Map,
// iterators …) by their caller. Not a benchmark: it finds what to stop allocating. Runs against
// the BUILT packages. Usage:
//   node tools/bench/transform-alloc.mjs [--events 60000] [--top 40]
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { KubeTraffic } from './kube-traffic.mjs';
import { loadTransformStage } from './transform-stage.mjs';

const { values } = parseArgs({ options: { events: { type: 'string', default: '60000' }, top: { type: 'string', default: '40' } } });
const EVENTS = Number(values.events);
const TOP = Number(values.top);
const BATCH = 10_000;

const traffic = new KubeTraffic({ recording: new URL('../../examples/recordings/configmap-cascade.ndjson', import.meta.url) });
const { pipeline, transformer, wire } = await loadTransformStage(new URL('../..', import.meta.url).pathname);
const fromWire = (raws) => wire(raws.map((raw) => JSON.stringify(raw)));
const transformAll = (batch) => {
  for (const raw of batch) pipeline.transform(raw);
  transformer.durableState.changes();
};

// Warm up as bench:transform does, and parse every measured batch before sampling starts.
transformAll(fromWire(traffic.startingState()));
transformAll(fromWire(traffic.next(30_000)));
const batches = [];
for (let fed = 0; fed < EVENTS; fed += BATCH) batches.push(fromWire(traffic.next(Math.min(BATCH, EVENTS - fed))));

const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
for (const batch of batches) transformAll(batch);
const { profile } = await session.post('HeapProfiler.stopSampling');
session.disconnect();

const NATIVE = /^(sort|next|split|Map|Set|push|keys|entries|values|join|slice|map|filter|exec|concat|from) /;
const bySite = new Map();
const nativeByCaller = new Map();
let total = 0;
const nameOf = (frame) => `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
const walk = (node, caller) => {
  const name = nameOf(node.callFrame);
  total += node.selfSize;
  bySite.set(name, (bySite.get(name) ?? 0) + node.selfSize);
  if (NATIVE.test(name) && caller) {
    const key = `${name.split(' ')[0]} <- ${caller}`;
    nativeByCaller.set(key, (nativeByCaller.get(key) ?? 0) + node.selfSize);
  }
  for (const child of node.children) walk(child, name);
};
walk(profile.head, undefined);

const perEvent = (bytes) => `${(bytes / EVENTS).toFixed(0).padStart(6)} B`;
console.log(`transform stage allocations: ${EVENTS} RawEvents, ${(total / EVENTS).toFixed(0)} bytes sampled per RawEvent (collected ones included)`);
for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`  ${perEvent(bytes)}  ${((100 * bytes) / total).toFixed(1).padStart(5)}%  ${site}`);
console.log('native helpers by caller:');
for (const [site, bytes] of [...nativeByCaller].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${perEvent(bytes)}  ${site}`);
