import { readFileSync } from 'node:fs';
import { asSharedFormat, type RecordedLine, besideControlPlane, readRecording, retime, SHARED_FORMAT_KINDS, withNoiseBeside, type ExpectedEntity } from '../support/recording-variants.js';
import type { CorpusCase } from './corpus-case.js';
import { benignRecording, threeWays } from './corpus-variants.js';

const REAL = new URL('../../../../examples/recordings/real/', import.meta.url);

interface Expected {
  rootCause: ExpectedEntity | null;
  alsoAcceptable?: ExpectedEntity[];
  symptom?: ExpectedEntity | null;
}

/**
 * A recording made on the real test cluster (examples/recordings/real/NAME.ndjson) with its
 * truth read from NAME.expected.json (no root: benign), three ways: as recorded; renamed, new
 * uids, slower, with noise (as the generated ones, and a day earlier); a day EARLIER (a recording of today moved
 * a day later would lie in the future, which the pipeline refuses) and 1.25 times slower (not
 * faster: a real outage of 150 s replayed at 0.6 times is shorter than its pattern's 2-minute
 * hold, which rightly is no incident); when its truth can be in it, reduced to what the shared
 * scenarios' format records (`asSharedFormat`); when the scheduler refused a pod in it, as
 * on a cluster with a tainted control plane node beside its one worker (`besideControlPlane`);
 * and with another app's routine in its own namespace and on its node (`withNoiseBeside`).
 */
export function realRecording(kind: string, name: string, retold?: { as: string; retell: (lines: RecordedLine[]) => RecordedLine[] }): CorpusCase[] {
  const expectedOf = () => JSON.parse(readFileSync(new URL(`${name}.expected.json`, REAL), 'utf8')) as Expected;
  const accepted = () => {
    const expected = expectedOf();
    const accept = expected.rootCause ? [expected.rootCause, ...(expected.alsoAcceptable ?? [])] : [];
    return accept.map(({ kind: entityKind, namespace, name: entityName }) => ({ kind: entityKind, namespace, name: entityName }));
  };
  // Retold: the same incident as another kind the kubelet tells alike (memory pressure as PID pressure).
  const make = () => {
    const lines = readRecording(new URL(`${name}.ndjson`, REAL));
    return { lines: retold ? retold.retell(lines) : lines, accept: accepted() };
  };
  const label = `recorded on the real test cluster (${name})${retold ? `, told as ${retold.as}` : ''}`;
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
  // As on a cluster with a control plane node of its own (kind, kubeadm), when the scheduler
  // refused a pod: its messages then count the control plane's standing taint beside the reason.
  const withControlPlane: CorpusCase = {
    kind,
    name: `${label}; beside a tainted control plane node`,
    make: () => {
      const { lines, accept } = make();
      return { lines: besideControlPlane(lines), accept };
    },
  };
  // Another team's routine (the shared benign recording's shop namespace: rollouts, a CronJob,
  // probe blips) in the incident's own namespace and on its node, its rollout two minutes in:
  // beside the incident's changes, never their cause.
  const besideRoutine: CorpusCase = {
    kind,
    name: `${label}; another app's routine in its namespace`,
    make: () => {
      const { lines, accept } = make();
      const expected = expectedOf();
      const namespace = expected.rootCause?.namespace ?? expected.symptom?.namespace ?? 'default';
      const node = lines.find((line) => line.data.object.kind === 'Node')?.data.object.metadata.name;
      return { lines: withNoiseBeside(lines, benignRecording(), { from: 'shop', namespace, node, prefix: 'bg-', offsetMs: 60_000 }), accept };
    },
  };
  const accept = accepted();
  const truthListed = accept.length === 0 || accept.some((entity) => SHARED_FORMAT_KINDS.has(entity.kind));
  const refusedByScheduler = readFileSync(new URL(`${name}.ndjson`, REAL), 'utf8').includes('0/1 nodes are available: 1 ');
  return [recorded, renamed, earlier, besideRoutine, ...(truthListed ? [sharedFormat] : []), ...(refusedByScheduler ? [withControlPlane] : [])];
}

