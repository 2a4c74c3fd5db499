import { readRecording, remapUids, renameEntity, renameEverywhere, retime, withNoise, type ExpectedEntity, type RecordedLine } from '../support/recording-variants.js';
import type { CorpusCase } from './corpus-case.js';
import { SHARED_SCENARIOS } from '../support/shared-scenarios.js';

const SCENARIOS = SHARED_SCENARIOS;
let benign: RecordedLine[] | undefined;
/** The shared benign-rollout recording (a real cluster's routine), read once and only when a case is built. */
export const benignRecording = (): RecordedLine[] => (benign ??= readRecording(new URL('benign-rollout.ndjson', SCENARIOS)));

const renames = { shop: 'storefront', payments: 'billing', catalog: 'inventory', cart: 'basket', frontend: 'web', checkout: 'orders', 'node-1': 'ip-10-1-0-11', 'node-2': 'ip-10-1-0-12', 'node-3': 'ip-10-1-0-13' };

/** Three recordings of one generated incident: as generated, renamed + new uids + slower + another cluster's routine as noise, and a day later at 0.6 times the speed. */
export function threeWays(kind: string, name: string, make: () => { lines: RecordedLine[]; accept: ExpectedEntity[] }): CorpusCase[] {
  return [
    { kind, name, make },
    {
      kind,
      name: `${name}; renamed, new uids, 1.6 times slower, noise`,
      make: () => {
        const { lines, accept } = make();
        return { lines: withNoise(retime(remapUids(renameEverywhere(lines, renames), 'k'), { stretch: 1.6 }), benignRecording(), 'bg-'), accept: accept.map((item) => renameEntity(item, renames)) };
      },
    },
    {
      kind,
      name: `${name}; a day later, 0.6 times the speed`,
      make: () => {
        const { lines, accept } = make();
        return { lines: retime(lines, { shiftMs: 24 * 3_600_000, stretch: 0.6 }), accept };
      },
    },
  ];
}
