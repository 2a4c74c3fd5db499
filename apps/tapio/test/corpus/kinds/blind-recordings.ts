import { readdirSync, readFileSync } from 'node:fs';
import { readRecording, type ExpectedEntity, type RecordedLine } from '../../support/recording-variants.js';
import type { CorpusCase } from '../corpus-case.js';
import { threeWays } from '../corpus-variants.js';

const BLIND = new URL('../../../../../examples/recordings/blind/', import.meta.url);

interface Expected {
  name: string;
  benign: boolean;
  rootCause: ExpectedEntity | null;
  alsoAcceptable?: ExpectedEntity[];
}

/** One blind recording: its lines (stored gzipped) and the acceptable first roots (none: benign). */
function blindRecording(name: string): () => { lines: RecordedLine[]; accept: ExpectedEntity[] } {
  return () => {
    const expected = JSON.parse(readFileSync(new URL(`${name}.expected.json`, BLIND), 'utf8')) as Expected;
    const lines = readRecording(new URL(`${name}.ndjson.gz`, BLIND));
    const accept = expected.rootCause ? [expected.rootCause, ...(expected.alsoAcceptable ?? [])] : [];
    return { lines, accept: accept.map(({ kind, namespace, name: entity }) => ({ kind, namespace, name: entity })) };
  };
}

/**
 * Recordings of the shared format written blind (examples/recordings/blind/README.md): by
 * helpers who saw the format and its three examples, never Tapio's code, each simulating a
 * cluster of another shape (EKS, GKE, AKS, kubeadm; several nodes; Ingresses with TLS Secrets
 * the recording leaves out). The truth is theirs. Each is scored three ways like a generated one.
 */
export const corpusCases: readonly CorpusCase[] = readdirSync(BLIND)
  .filter((file) => file.endsWith('.ndjson.gz'))
  .sort()
  .flatMap((file) => {
    const name = file.replace(/\.ndjson\.gz$/, '');
    return threeWays(`written blind: ${name}`, `${name} as written`, blindRecording(name));
  });
