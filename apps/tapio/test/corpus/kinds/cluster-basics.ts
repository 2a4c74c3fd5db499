import { readRecording, remapUids, renameEntity, renameEverywhere, retime, withNoise, type ExpectedEntity, type RecordedLine } from '../../support/recording-variants.js';
import { badImageRollout, configEditWithoutRollout, livenessDeathSpiral, memoryLeak, nodeFailure, serviceLosesPodsByLabel, serviceSelectorTypo, type SyntheticIncident } from '../../support/synthetic-incidents.js';
import type { CorpusCase } from '../corpus-case.js';
import { SHARED_SCENARIOS } from '../../support/shared-scenarios.js';

const SCENARIOS = SHARED_SCENARIOS;
const read = (name: string) => readRecording(new URL(name, SCENARIOS));
interface Shared {
  benign: RecordedLine[];
  cascade: RecordedLine[];
  oom: RecordedLine[];
}
let cache: Shared | undefined;
/** The shared scenarios, read once and only when a case is built. */
const recorded = (): Shared => (cache ??= { benign: read('benign-rollout.ndjson'), cascade: read('configmap-cascade.ndjson'), oom: read('oom-cascade.ndjson') });

const renames = { shop: 'storefront', payments: 'billing', catalog: 'inventory', cart: 'basket', frontend: 'web', checkout: 'orders', 'node-1': 'ip-10-1-0-11', 'node-2': 'ip-10-1-0-12', 'node-3': 'ip-10-1-0-13' };
const entity = (kind: string, namespace: string | null, name: string): ExpectedEntity => ({ kind, namespace, name });

/** Three recordings of one generated incident: as generated, renamed + slower + noise, and shifted + faster. */
function threeWays(kind: string, make: () => SyntheticIncident): CorpusCase[] {
  return [
    { kind, name: 'as generated', make },
    {
      kind,
      name: 'renamed, new uids, 1.6 times slower, another cluster’s routine as noise',
      make: () => {
        const { lines, accept } = make();
        return { lines: withNoise(retime(remapUids(renameEverywhere(lines, renames), 'k'), { stretch: 1.6 }), recorded().benign, 'bg-'), accept: accept.map((item) => renameEntity(item, renames)) };
      },
    },
    {
      kind,
      name: 'a day later, 0.6 times the speed',
      make: () => {
        const { lines, accept } = make();
        return { lines: retime(lines, { shiftMs: 24 * 3_600_000, stretch: 0.6 }), accept };
      },
    },
  ];
}

const recordedCase = (kind: string, name: string, lines: () => RecordedLine[], accept: ExpectedEntity[]): CorpusCase => ({ kind, name, make: () => ({ lines: lines(), accept }) });
const OOM_ROOTS = [entity('Deployment', 'shop', 'recommendations'), entity('ReplicaSet', 'shop', 'recommendations-dchfxxckg')];

/** The kinds the previous sessions taught Tapio (rollouts, nodes, probes, config, memory, Services), and the shared scenarios. */
export const corpusCases: readonly CorpusCase[] = [
  ...threeWays('bad rollout: image cannot be pulled', () => badImageRollout(recorded().benign, 'shop', 'catalog')),
  ...threeWays('node failure', () => nodeFailure(recorded().benign, 'node-2')),
  ...threeWays('liveness probe death spiral', () => livenessDeathSpiral(recorded().benign, 'shop', 'cart')),
  ...threeWays('ConfigMap edited in place, pods crash on reload', () => configEditWithoutRollout(recorded().benign, 'ConfigMap', 'shop', 'frontend-config')),
  ...threeWays('Secret rotated in place, pods crash on reload', () => configEditWithoutRollout(recorded().benign, 'Secret', 'payments', 'payments-db-credentials')),
  ...threeWays('memory leak: OOM kills without node pressure', () => memoryLeak(recorded().benign, 'shop', 'checkout')),
  ...threeWays('Service loses its pods: a rollout renamed the selected label', () => serviceLosesPodsByLabel(recorded().benign, 'shop', 'catalog')),
  ...threeWays('Service selector typo', () => serviceSelectorTypo(recorded().benign, 'shop', 'cart')),
  recordedCase('shared scenario: ConfigMap cascade', 'as recorded', () => recorded().cascade, [entity('ConfigMap', 'shop', 'checkout-config')]),
  recordedCase('shared scenario: ConfigMap cascade', 'renamed', () => remapUids(renameEverywhere(recorded().cascade, renames), 'r'), [entity('ConfigMap', 'storefront', 'orders-config')]),
  recordedCase('shared scenario: ConfigMap cascade', 'with noise, slower', () => withNoise(retime(recorded().cascade, { stretch: 1.4 }), recorded().benign, 'n-'), [entity('ConfigMap', 'shop', 'checkout-config')]),
  recordedCase('shared scenario: OOM cascade', 'as recorded', () => recorded().oom, OOM_ROOTS),
  recordedCase('shared scenario: OOM cascade', 'twice as fast', () => retime(recorded().oom, { stretch: 0.5 }), OOM_ROOTS),
  recordedCase('shared scenario: OOM cascade', 'with noise', () => withNoise(recorded().oom, recorded().benign, 'n-'), OOM_ROOTS),
  recordedCase('benign: routine rollout', 'as recorded', () => recorded().benign, []),
  recordedCase('benign: routine rollout', 'renamed, slower', () => retime(remapUids(renameEverywhere(recorded().benign, renames), 'b'), { stretch: 2 }), []),
  recordedCase('benign: routine rollout', 'two rollouts at once', () => withNoise(recorded().benign, recorded().benign, 'x-', 30_000), []),
];
