import { describe, it } from 'vitest';
import { judge } from './support/judge.js';
import { readRecording, remapUids, renameEntity, renameEverywhere, retime, withNoise, type ExpectedEntity, type RecordedLine } from './support/recording-variants.js';
import { badImageRollout, configEditWithoutRollout, livenessDeathSpiral, memoryLeak, nodeFailure, serviceLosesPodsByLabel, serviceSelectorTypo, type SyntheticIncident } from './support/synthetic-incidents.js';
import { SHARED_SCENARIOS } from './support/shared-scenarios.js';

const SCENARIOS = SHARED_SCENARIOS;
const benign = readRecording(new URL('benign-rollout.ndjson', SCENARIOS));
const cascade = readRecording(new URL('configmap-cascade.ndjson', SCENARIOS));

/** Incidents the issue lists, written on top of the real recordings' clusters, each also renamed, slowed down and with the benign recording's routine activity as background noise. */
const INCIDENTS: Array<[string, () => SyntheticIncident]> = [
  ['bad rollout: new image tag cannot be pulled', () => badImageRollout(benign, 'shop', 'catalog')],
  ['bad rollout in another namespace', () => badImageRollout(cascade, 'payments', 'payments-api', 'pull-2')],
  ['node failure: node-2 stops reporting, its pods go NotReady and are evicted', () => nodeFailure(benign, 'node-2')],
  ['node failure of node-3 in the other cluster', () => nodeFailure(cascade, 'node-3', 'node-2')],
  ['liveness death spiral after a probe change', () => livenessDeathSpiral(benign, 'shop', 'cart')],
  ['liveness death spiral of payments-api', () => livenessDeathSpiral(cascade, 'payments', 'payments-api', 'liveness-2')],
  ['ConfigMap edited in place, its pods crash on reload (no rollout)', () => configEditWithoutRollout(benign, 'ConfigMap', 'shop', 'frontend-config')],
  ['Secret rotated in place, its pods crash on reload', () => configEditWithoutRollout(benign, 'Secret', 'payments', 'payments-db-credentials')],
  ['memory leak: one Deployment OOM-killed repeatedly, no node pressure', () => memoryLeak(benign, 'shop', 'checkout')],
  ['Service without endpoints: a rollout renamed the pod label the Service selects', () => serviceLosesPodsByLabel(benign, 'shop', 'catalog')],
  ['Service without endpoints: a selector typo', () => serviceSelectorTypo(benign, 'shop', 'cart')],
];

const renames = { shop: 'storefront', payments: 'billing', catalog: 'inventory', cart: 'basket', frontend: 'web', checkout: 'orders', 'node-1': 'ip-10-1-0-11', 'node-2': 'ip-10-1-0-12', 'node-3': 'ip-10-1-0-13' };

describe('incident kinds from the issue, on real clusters', () => {
  for (const [name, make] of INCIDENTS) {
    it(name, () => {
      const { lines, accept } = make();
      judge(lines, accept);
    });
    it(`${name}: renamed, slower, with noise`, () => {
      const { lines, accept } = make();
      const varied: RecordedLine[] = withNoise(retime(remapUids(renameEverywhere(lines, renames), 'k'), { stretch: 1.6 }), benign, 'bg-');
      judge(varied, accept.map((entity: ExpectedEntity) => renameEntity(entity, renames)));
    });
  }
});
