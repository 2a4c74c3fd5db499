import { describe, expect, it } from 'vitest';
import { analyzeRecordingOf, awaitsPlan, AWAIT_PLAN, wantsPrestart, workerForSize, WORKER_MIN_BYTES } from './prestart.js';

describe('analyzeRecordingOf: the recording of a `tapio analyze` command line, read as commander reads it', () => {
  it('finds the file among the options analyze takes, with one dash or two', () => {
    expect(analyzeRecordingOf(['analyze', 'big.ndjson'])).toBe('big.ndjson');
    expect(analyzeRecordingOf(['analyze', '--json', 'big.ndjson'])).toBe('big.ndjson');
    expect(analyzeRecordingOf(['analyze', 'big.ndjson', '--json', '--verbose'])).toBe('big.ndjson');
    expect(analyzeRecordingOf(['analyze', '-config', 'tapio.yaml', 'big.ndjson'])).toBe('big.ndjson');
    expect(analyzeRecordingOf(['analyze', '--config=tapio.yaml', '-o', 'json', 'big.ndjson'])).toBe('big.ndjson');
    expect(analyzeRecordingOf(['analyze', '--output', 'text', '--', '-odd-name.ndjson'])).toBe('-odd-name.ndjson');
  });

  it('gives nothing for other commands, standard input, or a line it cannot read for sure', () => {
    expect(analyzeRecordingOf(['run', '-config', 'tapio.yaml'])).toBeUndefined();
    expect(analyzeRecordingOf([])).toBeUndefined();
    expect(analyzeRecordingOf(['analyze', '-'])).toBeUndefined();
    expect(analyzeRecordingOf(['analyze'])).toBeUndefined();
    expect(analyzeRecordingOf(['analyze', '--unknown', 'big.ndjson'])).toBeUndefined();
    expect(analyzeRecordingOf(['analyze', '-ojson', 'big.ndjson'])).toBeUndefined();
    expect(analyzeRecordingOf(['analyze', 'a.ndjson', 'b.ndjson'])).toBeUndefined();
    expect(analyzeRecordingOf(['analyze', '--json=yes', 'big.ndjson'])).toBeUndefined();
  });
});

describe('wantsPrestart: the worker is started early only where the analysis will use it', () => {
  const sizes: Record<string, number> = { 'big.ndjson': WORKER_MIN_BYTES, 'small.ndjson': WORKER_MIN_BYTES - 1 };
  const sizeOf = (file: string) => sizes[file];
  it('a file of at least WORKER_MIN_BYTES, as analyze-worker.ts decides', () => {
    expect(wantsPrestart(['analyze', 'big.ndjson'], {}, sizeOf)).toBe(true);
    expect(wantsPrestart(['analyze', 'small.ndjson'], {}, sizeOf)).toBe(false);
  });
  it('TAPIO_TRANSFORM_WORKER=on whatever the size, =off never; a missing file never', () => {
    expect(wantsPrestart(['analyze', 'small.ndjson'], { TAPIO_TRANSFORM_WORKER: 'on' }, sizeOf)).toBe(true);
    expect(wantsPrestart(['analyze', 'big.ndjson'], { TAPIO_TRANSFORM_WORKER: 'off' }, sizeOf)).toBe(false);
    expect(wantsPrestart(['analyze', 'gone.ndjson'], { TAPIO_TRANSFORM_WORKER: 'on' }, sizeOf)).toBe(false);
    expect(wantsPrestart(['run'], { TAPIO_TRANSFORM_WORKER: 'on' }, sizeOf)).toBe(false);
  });
  it('the size rule analyze-worker.ts shares: an unreadable file goes to the worker only when forced', () => {
    expect(workerForSize({}, undefined)).toBe(false);
    expect(workerForSize({ TAPIO_TRANSFORM_WORKER: 'on' }, undefined)).toBe(true);
    expect(workerForSize({ TAPIO_TRANSFORM_WORKER: 'off' }, WORKER_MIN_BYTES)).toBe(false);
    expect(workerForSize({}, WORKER_MIN_BYTES)).toBe(true);
  });
  it('the awaiting workerData is recognised, and nothing else is', () => {
    expect(awaitsPlan(AWAIT_PLAN)).toBe(true);
    expect(awaitsPlan(structuredClone(AWAIT_PLAN))).toBe(true);
    expect(awaitsPlan({ replay: {} })).toBe(false);
    expect(awaitsPlan(undefined)).toBe(false);
  });
});
