// A stand-in transformer worker for transform-worker.test.ts: speaks the protocol of
// protocol.ts without loading Tapio, and fails in the way workerData.behaviour names.
// Started before its plan (prestart.ts: workerData { awaitPlan: true }), it waits for the plan message first.
import { parentPort, workerData } from 'node:worker_threads';

const plan = workerData.awaitPlan ? await new Promise((resolve) => parentPort.once('message', (message) => resolve(message.kind === 'plan' ? message.plan : {}))) : workerData;
if (workerData.awaitPlan && !plan.behaviour) throw new Error('the first message to a prestarted worker was not its plan');
const { behaviour, batches = 3, perBatch = 2 } = plan;
const post = (message) => parentPort.postMessage(message);
let credits = plan.maxBatchesInFlight;
let wake;
parentPort.on('message', (message) => {
  if (message.kind === 'published') {
    credits += 1;
    wake?.();
  }
});

post({ kind: 'log', level: 'warn', bindings: { component: 'fixture' }, fields: { origin: 'f.ndjson:1' }, message: 'replay line rejected' });
post({ kind: 'dead-letter', letter: { stage: 'decode', reason: 'not JSON', origin: 'f.ndjson:1', at: new Date(0).toISOString(), payload: 'x' } });
let id = 0;
for (let batch = 0; batch < batches; batch += 1) {
  if (behaviour === 'exit' && batch === 1) process.exit(3);
  if (behaviour === 'throw' && batch === 1) throw new Error('transform blew up');
  if (behaviour === 'fail' && batch === 1) {
    post({ kind: 'failed', message: 'the recording could not be read: EIO' });
    parentPort.close();
    break;
  }
  while (credits === 0) await new Promise((resolve) => (wake = resolve));
  credits -= 1;
  post({ kind: 'events', events: Array.from({ length: perBatch }, () => ({ id: `evt-${(id += 1)}` })), lines: id });
}
if (behaviour === 'ok' || behaviour === 'no-done') {
  if (behaviour === 'ok') post({ kind: 'done', stats: { accepted: id, produced: id, rejected: { decode: 1, validate: 0, transform: 0, process: 0, store: 0 } }, lines: id + 1 });
  parentPort.close();
}
