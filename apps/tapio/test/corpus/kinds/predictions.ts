import { benignRecording } from '../corpus-variants.js';
import { configCascadeCourse, type CascadeOutcome } from '../../support/config-cascade-course.js';
import { memoryCourse, type MemoryCourse } from '../../support/memory-trend-incidents.js';
import { renameEntity, renameEverywhere, remapUids, withNoise } from '../../support/recording-variants.js';
import type { CorpusCase } from '../corpus-case.js';

/**
 * The prediction lifecycle (issue #15, deliver 4: predicted impact, judged by what happens):
 * the kubelet collector's trend of a container's working set (computed by its own
 * MemoryTrends from the generated samples) makes Tapio predict an OOM kill, and then
 * (a) the kill comes: the incident is the growth (memory-leak-oom), its story says it was
 *     predicted and when, and that it came true;
 * (b) the growth levels off: the deadline passes without a kill, the prediction is closed
 *     and the warning drops to low severity (benign: nothing medium or above);
 * (c) a noisy but flat working set: no trend, no prediction, nothing reported.
 * And a ConfigMap edited in place whose first pod crashes on it makes config-cascade predict
 * the other pods that use it will fail on their next restart, then
 * (d) each of them crashes in turn: the prediction comes true;
 * (e) one crashes, the others reload it and become ready: partly right, with the counts;
 * (f) the ConfigMap is edited back: the prediction is withdrawn with the reason.
 * prediction-lifecycle.test.ts asserts what each says beyond the root cause.
 */
const renames = { shop: 'storefront', checkout: 'orders', cart: 'basket', 'node-1': 'ip-10-1-0-11', 'node-2': 'ip-10-1-0-12', 'node-3': 'ip-10-1-0-13' };

const killed: MemoryCourse = { outcome: 'oom-killed', startShare: 0.5, growthMiBPerMinute: 24, jitterMiB: 3, intervalS: 15, minutes: 10 };
const levelsOff: MemoryCourse = { outcome: 'levels-off', startShare: 0.5, growthMiBPerMinute: 24, jitterMiB: 3, intervalS: 15, minutes: 45, growthMinutes: 6 };
const flat: MemoryCourse = { outcome: 'flat-noise', startShare: 0.6, growthMiBPerMinute: 0, jitterMiB: 40, intervalS: 15, minutes: 40 };

export const PREDICTION_KINDS = {
  cameTrue: 'memory grows toward its limit: OOM kill predicted, then it comes',
  closed: 'benign: memory grows toward its limit, then levels off (prediction closed)',
  flat: 'benign: noisy but flat memory (no prediction)',
  cascadeCameTrue: 'ConfigMap edit: "N more will fail" predicted, then each of them fails',
  cascadePartly: 'ConfigMap edit: "N more will fail" predicted, then some fail and the others reload it healthy',
  cascadeReverted: 'ConfigMap edit: "N more will fail" predicted, then the edit is reverted',
} as const;

const cascadeRenames = { shop: 'storefront', frontend: 'web', 'frontend-config': 'web-config', 'node-1': 'ip-10-1-0-11', 'node-2': 'ip-10-1-0-12', 'node-3': 'ip-10-1-0-13' };

/** One cascade three ways: the frontend's ConfigMap, the same renamed with another cluster's routine as noise, and the checkout's. */
function threeCascades(kind: string, outcome: CascadeOutcome): CorpusCase[] {
  return [
    { kind, name: 'shop/frontend-config', make: () => configCascadeCourse(benignRecording(), 'shop', 'frontend-config', outcome) },
    {
      kind,
      name: 'storefront/web-config renamed, new uids, another cluster’s routine as noise',
      make: () => {
        const { lines, accept } = configCascadeCourse(benignRecording(), 'shop', 'frontend-config', outcome, 'cascade-r');
        return { lines: withNoise(remapUids(renameEverywhere(lines, cascadeRenames), 'c'), benignRecording(), 'bg-'), accept: accept.map((item) => renameEntity(item, cascadeRenames)) };
      },
    },
    { kind, name: 'shop/checkout-config', make: () => configCascadeCourse(benignRecording(), 'shop', 'checkout-config', outcome, 'cascade-c') },
  ];
}

/** One course three ways: as generated, on another workload renamed with another cluster's routine as noise, and at another pace. */
function threeCourses(kind: string, base: MemoryCourse, other: Partial<MemoryCourse>): CorpusCase[] {
  return [
    { kind, name: 'shop/checkout, polled every 15 s', make: () => memoryCourse(benignRecording(), 'shop', 'checkout', base, 'checkout') },
    {
      kind,
      name: 'shop/cart renamed, new uids, another cluster’s routine as noise',
      make: () => {
        const { lines, accept } = memoryCourse(benignRecording(), 'shop', 'cart', base, 'cart');
        return { lines: withNoise(remapUids(renameEverywhere(lines, renames), 'p'), benignRecording(), 'bg-'), accept: accept.map((item) => renameEntity(item, renames)) };
      },
    },
    { kind, name: `payments/payments-api, ${JSON.stringify(other)}`, make: () => memoryCourse(benignRecording(), 'payments', 'payments-api', { ...base, ...other }, 'payments') },
  ];
}

export const corpusCases: readonly CorpusCase[] = [
  ...threeCourses(PREDICTION_KINDS.cameTrue, killed, { growthMiBPerMinute: 9, intervalS: 10, jitterMiB: 6 }),
  ...threeCourses(PREDICTION_KINDS.closed, levelsOff, { growthMiBPerMinute: 12, intervalS: 10, growthMinutes: 12, jitterMiB: 5 }),
  ...threeCourses(PREDICTION_KINDS.flat, flat, { jitterMiB: 60, intervalS: 10, startShare: 0.45 }),
  ...threeCascades(PREDICTION_KINDS.cascadeCameTrue, 'all-fail'),
  ...threeCascades(PREDICTION_KINDS.cascadePartly, 'some-recover'),
  ...threeCascades(PREDICTION_KINDS.cascadeReverted, 'reverted'),
];
