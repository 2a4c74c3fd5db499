// Call counts and times of the correlation engine's parts, for finding work done more often
// than the answers need (a flat CPU profile does not show that: docs/benchmarks-log.md,
// "Correlation engine, ninth pass"). Loaded before a built Tapio command, it wraps the methods below in the
// built classes and prints, when the process exits, how often each ran and how long it took
// (wall clock, nested calls counted in their callers too), and per correlator.
//
//   node --import ./tools/bench/engine-calls.mjs apps/tapio/dist/main.js analyze FILE > /dev/null
//   TAPIO_TRANSFORM_WORKER=on ... (the transformer on its worker thread, as ./bin/tapio runs it)
//
// Runs against the BUILT packages (`npm run build` first) and the modules, not the bundle
// (apps/tapio/dist/main.js, not ./bin/tapio, whose analyze runs the bundled copy).
import { isMainThread } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';

const dist = new URL('../../libs/intelligence/correlation/dist/', import.meta.url);
const load = (path) => import(new URL(path, dist).href);
const [{ CorrelationEngine }, { IncidentBook }, { IncidentFolds }, { WorkingState }, { PredictionTracker }] = await Promise.all([
  load('engine/correlation-engine.js'),
  load('incidents/incident-book.js'),
  load('incidents/incident-folds.js'),
  load('state/working-state.js'),
  load('predictions/prediction-tracker.js'),
]);

/** name -> [calls, milliseconds] */
const figures = new Map();
const note = (name, ms) => {
  const entry = figures.get(name) ?? [0, 0];
  entry[0] += 1;
  entry[1] += ms;
  figures.set(name, entry);
};

/** `fn` timed under `name`, called with the `this` it is called with. */
function timing(name, fn) {
  return function timed(...args) {
    const started = performance.now();
    try {
      return fn.apply(this, args);
    } finally {
      note(name, performance.now() - started);
    }
  };
}

function wrap(type, className, methods) {
  for (const method of methods) {
    const original = type.prototype[method];
    if (typeof original !== 'function') throw new Error(`engine-calls: ${className}.${method} is not a method of the built class (renamed?)`);
    type.prototype[method] = timing(`${className}.${method}`, original);
  }
}

// `rerateUnfolded`: the re-ratings after judged predictions; `rerate`: those after a person's feedback.
wrap(CorrelationEngine, 'CorrelationEngine', ['process', 'record', 'refold', 'rerate', 'rerateUnfolded', 'judge', 'tellProgress', 'releaseDue']);
wrap(IncidentBook, 'IncidentBook', ['admit', 'recompose', 'retell', 'reRate']);
wrap(IncidentFolds, 'IncidentFolds', ['refoldBook', 'view']);
wrap(WorkingState, 'WorkingState', ['add']);
wrap(PredictionTracker, 'PredictionTracker', ['observe', 'track']);

// Each engine's correlators, the first time the engine processes an event.
const timedProcess = CorrelationEngine.prototype.process;
const seen = new WeakSet();
CorrelationEngine.prototype.process = function process(event) {
  if (!seen.has(this)) {
    seen.add(this);
    for (const correlator of this.correlators) correlator.correlate = timing(`correlator ${correlator.id}`, correlator.correlate);
  }
  return timedProcess.call(this, event);
};

// The preload runs in worker threads too; only the main thread runs the engine.
if (isMainThread) {
  process.on('exit', () => {
    const rows = [...figures].sort((a, b) => b[1][1] - a[1][1]).map(([name, [calls, ms]]) => `${name.padEnd(32)} ${String(calls).padStart(9)} calls ${ms.toFixed(0).padStart(8)} ms ${((1000 * ms) / calls).toFixed(1).padStart(9)} µs each`);
    process.stderr.write(`engine calls (wall clock; nested calls counted in their callers too):\n${rows.join('\n')}\n`);
  });
}
