import { readFileSync } from 'node:fs';
import { readRecording, type ExpectedEntity } from '../support/recording-variants.js';
import type { CorpusCase } from './corpus-case.js';
import { threeWays } from './corpus-variants.js';

const REAL = new URL('../../../../examples/recordings/real/', import.meta.url);

interface Expected {
  rootCause: ExpectedEntity | null;
  alsoAcceptable?: ExpectedEntity[];
}

/**
 * A recording made on the real test cluster (examples/recordings/real/NAME.ndjson) with its
 * truth read from NAME.expected.json (no root: benign), three ways as the generated ones are
 * (as recorded; renamed with noise and slower; a day later and faster).
 */
export function realRecording(kind: string, name: string): CorpusCase[] {
  return threeWays(kind, `recorded on the real test cluster (${name})`, () => {
    const expected = JSON.parse(readFileSync(new URL(`${name}.expected.json`, REAL), 'utf8')) as Expected;
    const accept = expected.rootCause ? [expected.rootCause, ...(expected.alsoAcceptable ?? [])] : [];
    return { lines: readRecording(new URL(`${name}.ndjson`, REAL)), accept: accept.map(({ kind: entityKind, namespace, name: entityName }) => ({ kind: entityKind, namespace, name: entityName })) };
  });
}
