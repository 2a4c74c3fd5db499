import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const PRELOAD = fileURLToPath(new URL('../../../tools/bench/engine-calls.mjs', import.meta.url));
const RECORDING = fileURLToPath(new URL('../../../examples/recordings/configmap-cascade.ndjson', import.meta.url));

/** The calls of one row of the preload's table, by the part's name. */
function callsOf(table: string, name: string): number | undefined {
  const row = table.split('\n').find((line) => line.startsWith(`${name} `));
  const calls = row?.match(/\s(\d+) calls\s/)?.[1];
  return calls === undefined ? undefined : Number(calls);
}

describe('tools/bench/engine-calls.mjs (the engine call-count preload, docs/benchmarks.md)', () => {
  it('counts the engine parts and every built-in correlator of a real analyze, and leaves its answer as it is', async () => {
    const args = [MAIN, 'analyze', RECORDING, '--json'];
    const plain = await run(process.execPath, args, { maxBuffer: 64 << 20 });
    const counted = await run(process.execPath, ['--import', PRELOAD, ...args], { maxBuffer: 64 << 20, env: { ...process.env, TAPIO_TRANSFORM_WORKER: 'on' } });
    expect(counted.stdout).toBe(plain.stdout);
    const table = counted.stderr.slice(counted.stderr.indexOf('engine calls'));
    const events = callsOf(table, 'CorrelationEngine.process');
    expect(events).toBeGreaterThan(10);
    // Every event goes through the working state and every correlator once.
    expect(callsOf(table, 'WorkingState.add')).toBe(events);
    for (const correlator of ['temporal', 'dependency', 'ownership', 'sequence', 'performance', 'service-dependency']) expect(callsOf(table, `correlator ${correlator}`), correlator).toBe(events);
    // The recording's incidents were recorded and composed.
    expect(callsOf(table, 'IncidentBook.admit')).toBeGreaterThan(0);
  });
});
