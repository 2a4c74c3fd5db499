// Two builds' transform stages in one process, fed the same batches in ABBA order, so a change
// of a few percent shows through the ±15% that separate fresh processes spread by on this
// machine. BASE is another checkout's root, built (a copy of this tree before a change: `tar
// --exclude=.git -c . | tar -x -C /tmp/base`); each build loads its own packages through its
// own node_modules. Usage:
//   node tools/bench/transform-ab.mjs --base /tmp/base [--rounds 12] [--batch 5000]
// Prints the CPU per RawEvent of each build per round, the medians and their ratio, and whether
// both produced the same UnifiedEvents (a digest per build); a same-build run (`--base .`)
// shows the position bias of the harness.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { KubeTraffic } from './kube-traffic.mjs';
import { loadTransformStage } from './transform-stage.mjs';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    rounds: { type: 'string', default: '12' },
    batch: { type: 'string', default: '5000' },
    warmup: { type: 'string', default: '30000' },
  },
});
if (!values.base) throw new Error('usage: transform-ab.mjs --base <other built checkout> [--rounds N] [--batch N]');
const ROUNDS = Number(values.rounds);
const BATCH = Number(values.batch);

/** One build's stage, with the CPU of a batch and a digest of everything it produced. */
async function stageOf(root) {
  const { pipeline, transformer, deadLetters, wire } = await loadTransformStage(root);
  const digest = createHash('sha256');
  return {
    root,
    deadLetters,
    digest,
    wire,
    /** CPU microseconds to transform the batch; the outputs are hashed after the clock stops. */
    run(batch) {
      const results = new Array(batch.length);
      const started = process.cpuUsage();
      for (let index = 0; index < batch.length; index += 1) results[index] = pipeline.transform(batch[index]);
      const cpu = process.cpuUsage(started);
      for (const result of results) if (result.ok) for (const event of result.events) digest.update(JSON.stringify(event));
      transformer.durableState.changes();
      return cpu.user + cpu.system;
    },
  };
}

const here = resolve(new URL('../..', import.meta.url).pathname);
const base = await stageOf(resolve(values.base));
const current = await stageOf(here);
const traffic = new KubeTraffic({ recording: new URL('../../examples/recordings/configmap-cascade.ndjson', import.meta.url) });
const linesOf = (raws) => raws.map((raw) => JSON.stringify(raw));

for (const raws of [traffic.startingState(), traffic.next(Number(values.warmup))]) {
  const lines = linesOf(raws);
  for (const stage of [base, current]) stage.run(stage.wire(lines));
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const perEvent = { base: [], current: [] };
for (let round = 0; round < ROUNDS; round += 1) {
  const lines = linesOf(traffic.next(BATCH));
  // ABBA: whichever runs first in a round alternates, so warm caches favour neither.
  const order = round % 2 === 0 ? [['base', base], ['current', current]] : [['current', current], ['base', base]];
  for (const [name, stage] of order) perEvent[name].push(stage.run(stage.wire(lines)) / BATCH);
  console.log(`round ${String(round + 1).padStart(2)}: base ${perEvent.base.at(-1).toFixed(1)} us, current ${perEvent.current.at(-1).toFixed(1)} us per RawEvent`);
}
const [baseMedian, currentMedian] = [median(perEvent.base), median(perEvent.current)];
const [baseDigest, currentDigest] = [base.digest.digest('hex').slice(0, 16), current.digest.digest('hex').slice(0, 16)];
console.log(`median: base ${baseMedian.toFixed(1)} us (${base.root}), current ${currentMedian.toFixed(1)} us (${current.root}): current / base ${(currentMedian / baseMedian).toFixed(3)}`);
console.log(`outputs: ${baseDigest === currentDigest ? 'identical' : 'DIFFERENT'} (base ${baseDigest}, current ${currentDigest}); dead letters ${base.deadLetters.count()} / ${current.deadLetters.count()}`);
if (baseDigest !== currentDigest) process.exitCode = 1;
