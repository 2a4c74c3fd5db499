import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { heapVerdict } from '../../../tools/bench/soak-verdict.mjs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The CI size of `npm run soak` (issue 16: the live heap flat within 10% after warm-up):
 * 2.2 minutes of mixed traffic into ./bin/tapio, every bound small enough to be reached
 * within the 0.9-minute warm-up even at the ~75 RawEvents/s a loaded machine takes (300
 * pods, each seen within the first ~2,000 RawEvents; graph 3,000 events, reached at 0.7 min
 * at load 25; engine and merge window 30 s; 200 incidents and insights; 50 deleted topology
 * nodes and transformer tombstones; ids remembered 30 s), the live heap after a full
 * collection every 5 s. What still grows after warm-up is a leak: the fitted heap may not
 * grow more than 10% over the remaining 1.3 minutes.
 *
 * What so short a run can show: growth that scales with the traffic, fast enough to pass
 * 10% of ~50 MB in 1.3 minutes: more than ~0.15 KB kept per RawEvent on a quiet machine
 * (400/s taken), more than ~0.8 KB at load 25 (75/s). The bus's id memory before it was
 * bounded kept ~0.3 KB per RawEvent (7.3 MB/min at 406/s): caught on a quiet machine, not
 * at load 25. Slower growth, and the bar itself over 25 minutes, are `npm run soak`'s to
 * show (docs/reliability.md, "Soak"), not CI's.
 */
const SOAK_ENV = {
  SOAK_MINUTES: '2.2',
  SOAK_WARMUP_MINUTES: '0.9',
  SOAK_SAMPLE_SECONDS: '5',
  SOAK_RATE: '400',
  SOAK_PODS: '300',
  SOAK_WINDOW: '30s',
  SOAK_MAX_EVENTS: '3000',
  SOAK_MAX_DELETED: '50',
  SOAK_ENGINE_LIMIT: '200',
  SOAK_MAX_INSIGHTS: '200',
  SOAK_MAX_TOMBSTONES: '50',
  SOAK_DUPLICATE_WINDOW: '30s',
  SOAK_MAX_RATIO: '1.10',
};

function runSoak(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['tools/bench/soak.mjs'], { cwd: ROOT, env: { ...process.env, ...SOAK_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('soak (CI size): bounded memory', () => {
  it('the verdict fails a heap that grows as the bus id memory did and passes one that only varies', () => {
    // Samples as the CI soak takes them: every 5 s for 2.2 minutes, the warm-up 0.9 minute.
    const series = (perMinute: number, noise: number) =>
      Array.from({ length: 27 }, (_, step) => ({ minute: step / 12, liveMb: 50 + perMinute * (step / 12) + (step % 2 ? noise : -noise) }));
    // The bus's id memory before it was bounded, at 400 RawEvents/s: 7.3 MB a minute, 19% of 50 MB over the 1.3 minutes after warm-up.
    expect(heapVerdict(series(7.3, 2), 0.9, 1.1)).toMatchObject({ ok: false });
    // Flat with ±3 MB between samples: the fitted line stays flat.
    const flat = heapVerdict(series(0, 3), 0.9, 1.1);
    expect(flat.ok).toBe(true);
    expect(Math.abs(flat.slopeMbPerMin ?? 1)).toBeLessThan(2);
    // Too few samples after warm-up: nothing shown, a failure.
    expect(heapVerdict(series(0, 0).slice(0, 12), 0.9, 1.1)).toMatchObject({ ok: false });
  });

  it('the live heap after warm-up stays within 10% over 2.2 minutes of mixed traffic, every bound reached within the warm-up', async () => {
    const { code, output } = await runSoak();
    const summary = /live heap .* after warm-up ([\d.]+) MB .* fitted over ([\d.]+) min: (-?[\d.]+) MB\/min, .* \(ratio ([\d.]+)\)/.exec(output);
    expect(summary, output).not.toBeNull();
    expect(code, output.slice(-3000)).toBe(0);
    expect(Number(summary?.[4])).toBeLessThanOrEqual(1.1);
    // Traffic flowed and every bound was reached within the warm-up: the graph held its 3,000 events at every sample after it.
    const samples = [...output.matchAll(/^([\d.]+) min: .* graph (\d+) events/gm)].map((match) => ({ minute: Number(match[1]), events: Number(match[2]) }));
    const warm = samples.filter((sample) => sample.minute >= 0.9);
    // Every 5 s over 1.3 minutes, fewer where the collections before each sample waited for the CPU (9 at load 27).
    expect(warm.length, output).toBeGreaterThanOrEqual(6);
    expect(warm.map((sample) => sample.events)).toEqual(warm.map(() => 3000));
  }, 6 * 60_000);
});
