import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ARBITRARIES, configTarget, patternFileTarget, pipelineTarget, type Outcome } from './targets.js';

/**
 * Inputs per target: 2,000 in CI; `npm run fuzz` sets FUZZ_TOTAL (1,000,000), shared 80%
 * lines, 10% pattern files, 10% tapio.yaml (a pattern file costs about ten lines).
 */
const TOTAL = process.env['FUZZ_TOTAL'] === undefined ? undefined : Number(process.env['FUZZ_TOTAL']);
const SEED = process.env['FUZZ_SEED'] === undefined ? undefined : Number(process.env['FUZZ_SEED']);

function fuzz(name: string, share: number, arbitrary: fc.Arbitrary<string>, target: (input: string) => Outcome): void {
  const RUNS = TOTAL === undefined ? 2_000 : Math.round(TOTAL * share);
  const TIMEOUT = Math.max(60_000, RUNS * 10);
  it(`${name}: ${RUNS} generated inputs, no crash, every refusal with its reason`, () => {
    const tally = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(arbitrary, (input) => {
        const outcome = target(input);
        if (outcome.ok) tally.accepted += 1;
        else {
          tally.refused += 1;
          expect(outcome.reason.trim().length, `a refusal without a reason for ${JSON.stringify(input).slice(0, 200)}`).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
    console.log(`fuzz ${name}: ${RUNS} inputs, ${tally.accepted} accepted, ${tally.refused} refused with a reason, 0 crashes`);
    expect(tally.accepted + tally.refused).toBe(RUNS);
  }, TIMEOUT);
}

describe('fuzzing (fast-check)', () => {
  fuzz('RawEvent lines through the pipeline and the transformers', 0.8, ARBITRARIES.line, pipelineTarget());
  fuzz('pattern files', 0.1, ARBITRARIES.patternFile, patternFileTarget);
  fuzz('tapio.yaml', 0.1, ARBITRARIES.config, configTarget);
});
