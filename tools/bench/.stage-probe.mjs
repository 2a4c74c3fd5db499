import { performance } from 'node:perf_hooks';
import { RawEvent } from '@tapio/domain';
import { Pipeline, seedMappingTransformers } from '@tapio/pipeline';
import { KubeApiTransformer } from '@tapio/collector-kubeapi';
import { GraphIngestor } from '@tapio/correlation';
import { DeadLetterStore, InProcessBus, MemoryGraphStore } from '@tapio/embedded';
import { KubeTraffic } from './kube-traffic.mjs';
const traffic = new KubeTraffic({ recording: new URL('../../examples/recordings/configmap-cascade.ndjson', import.meta.url) });
const deadLetters = new DeadLetterStore();
const t = new KubeApiTransformer();
const builtIn = [...seedMappingTransformers, t];
const pipeline = new Pipeline({ transformers: builtIn, trusted: builtIn, deadLetters, cluster: 'bench' });
const graph = new MemoryGraphStore(); await graph.start();
const ingestor = new GraphIngestor(graph);
const bus = new InProcessBus({ deadLetters });
let n=0; await bus.subscribe('unified','x', async (e)=>{n++;});
const start = traffic.startingState().map(r=>RawEvent.parse(r));
for (const r of start) { const res = pipeline.transform(r); await ingestor.ingest(res.events); }
for (let round=0; round<3; round++) {
const raws = traffic.next(50000).map(r=>RawEvent.parse(r));
globalThis.gc?.();
let c0=process.cpuUsage(); const outs=[];
for (const r of raws) outs.push(pipeline.transform(r).events);
let c=process.cpuUsage(c0); console.log('transform us/raw', ((c.user+c.system)/raws.length).toFixed(1));
const evs = outs.flat();
globalThis.gc?.();
c0=process.cpuUsage();
for (const e of evs) await bus.publish('unified', e, e.id);
await bus.drain();
c=process.cpuUsage(c0); console.log('bus us/raw', ((c.user+c.system)/raws.length).toFixed(1), 'events', evs.length);
globalThis.gc?.();
c0=process.cpuUsage();
for (const e of evs) await ingestor.ingest([e]);
c=process.cpuUsage(c0); console.log('ingest us/raw', ((c.user+c.system)/raws.length).toFixed(1));
}
