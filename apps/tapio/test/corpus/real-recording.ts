import { readFileSync } from 'node:fs';
import { asSharedFormat, readRecording, retime, SHARED_FORMAT_KINDS, type ExpectedEntity } from '../support/recording-variants.js';
import type { CorpusCase } from './corpus-case.js';
import { threeWays } from './corpus-variants.js';

const REAL = new URL('../../../../examples/recordings/real/', import.meta.url);

interface Expected {
  rootCause: ExpectedEntity | null;
  alsoAcceptable?: ExpectedEntity[];
}

/**
 * A recording made on the real test cluster (examples/recordings/real/NAME.ndjson) with its
 * truth read from NAME.expected.json (no root: benign), three ways: as recorded; renamed, new
 * uids, slower, with noise (as the generated ones, and a day earlier); a day EARLIER (a recording of today moved
 * a day later would lie in the future, which the pipeline refuses) and 1.25 times slower (not
 * faster: a real outage of 150 s replayed at 0.6 times is shorter than its pattern's 2-minute
 * hold, which rightly is no incident); and, when its truth can be in it, a fourth way: reduced
 * to what the shared scenarios' format records (`asSharedFormat`).
 */
export function realRecording(kind: string, name: string): CorpusCase[] {
  const accepted = () => {
    const expected = JSON.parse(readFileSync(new URL(`${name}.expected.json`, REAL), 'utf8')) as Expected;
    const accept = expected.rootCause ? [expected.rootCause, ...(expected.alsoAcceptable ?? [])] : [];
    return accept.map(({ kind: entityKind, namespace, name: entityName }) => ({ kind: entityKind, namespace, name: entityName }));
  };
  const make = () => ({ lines: readRecording(new URL(`${name}.ndjson`, REAL)), accept: accepted() });
  const label = `recorded on the real test cluster (${name})`;
  const recorded: CorpusCase = { kind, name: label, make };
  // Slowed down, a recording made minutes before the test run would end in the future, which
  // the pipeline refuses (limits.maxFutureSkew): the renamed one is moved a day earlier too.
  const dayEarlier = () => {
    const { lines, accept } = make();
    return { lines: retime(lines, { shiftMs: -24 * 3_600_000 }), accept };
  };
  const [, renamed] = threeWays(kind, label, dayEarlier) as [CorpusCase, CorpusCase];
  const earlier: CorpusCase = {
    kind,
    name: `${label}; a day earlier, 1.25 times slower`,
    make: () => {
      const { lines, accept } = make();
      return { lines: retime(lines, { shiftMs: -24 * 3_600_000, stretch: 1.25 }), accept };
    },
  };
  // As another recorder of the shared format would have made it (the listed kinds only): the
  // same answer, unless the truth itself is of a kind that format leaves out.
  const sharedFormat: CorpusCase = {
    kind,
    name: `${label}; only the shared format's kinds`,
    make: () => {
      const { lines, accept } = make();
      return { lines: asSharedFormat(lines), accept };
    },
  };
  const accept = accepted();
  const truthListed = accept.length === 0 || accept.some((entity) => SHARED_FORMAT_KINDS.has(entity.kind));
  return truthListed ? [recorded, renamed, earlier, sharedFormat] : [recorded, renamed, earlier];
}

