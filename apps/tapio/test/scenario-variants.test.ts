import { describe, expect, it } from 'vitest';
import { severityRank, type Insight } from '@tapio/domain';
import { analyzeRecording } from './support/analyze-recording.js';
import {
  moveLines,
  normalise,
  readRecording,
  remapUids,
  renameEntity,
  renameEverywhere,
  retime,
  startEarlier,
  withNoise,
  type ExpectedEntity,
  type RecordedLine,
} from './support/recording-variants.js';
import { configMapAsEnv, configMapToSecret, crashesToHealthy, crashesToUnready, deploymentToStatefulSet, placePods } from './support/workload-variants.js';
import { SHARED_SCENARIOS } from './support/shared-scenarios.js';

const SCENARIOS = SHARED_SCENARIOS;
const HOUR = 3_600_000;
const MINUTE = 60_000;

const cascade = readRecording(new URL('configmap-cascade.ndjson', SCENARIOS));
const oom = readRecording(new URL('oom-cascade.ndjson', SCENARIOS));
const benign = readRecording(new URL('benign-rollout.ndjson', SCENARIOS));

interface Variant {
  name: string;
  lines: RecordedLine[];
  /** Acceptable first root causes; empty for a benign recording. */
  accept: ExpectedEntity[];
}

const entity = (kind: string, namespace: string | null, name: string): ExpectedEntity => ({ kind, namespace, name });
const same = (a: ExpectedEntity, b: { kind: string; namespace?: string | null; name: string }) => a.kind === b.kind && (a.namespace ?? null) === (b.namespace ?? null) && a.name === b.name;

function describeInsights(insights: Insight[]): string {
  return insights
    .slice(0, 4)
    .map((insight) => `[${insight.severity} ${insight.pattern} ${insight.confidence.toFixed(2)}] ${insight.rootCause.entity.kind} ${insight.rootCause.entity.namespace ?? ''}/${insight.rootCause.entity.name}`)
    .join('; ');
}

function check(variant: Variant): void {
  const { insights, rejected } = analyzeRecording(normalise(variant.lines));
  expect(rejected, 'the variant must stay a valid recording').toBe(0);
  if (variant.accept.length === 0) {
    const loud = insights.filter((insight) => severityRank(insight.severity) >= severityRank('medium'));
    expect(loud, `benign variant reported: ${describeInsights(loud)}`).toEqual([]);
    return;
  }
  const first = insights[0];
  expect(first, 'an incident variant must produce an insight').toBeDefined();
  const root = first!.rootCause.entity;
  const ok = variant.accept.some((candidate) => same(candidate, root));
  expect(ok, `first insight root ${root.kind} ${root.namespace ?? ''}/${root.name}; insights: ${describeInsights(insights)}`).toBe(true);
}

// ---- configmap-cascade: ConfigMap shop/checkout-config edited, rollout, new pods crash-loop
const CASCADE_ROOT = entity('ConfigMap', 'shop', 'checkout-config');
const cascadeRenames = { shop: 'billing', checkout: 'invoicer', 'checkout-config': 'invoicer-settings', cart: 'basket', 'node-1': 'ip-10-0-7-12', 'node-2': 'ip-10-0-9-41', 'node-3': 'ip-10-0-3-5' };
const isConfigEdit = (line: RecordedLine) => line.type === 'MODIFIED' && line.data.object.kind === 'ConfigMap' && line.data.object.metadata.name === 'checkout-config';

const cascadeVariants: Variant[] = [
  { name: 'as recorded', lines: cascade, accept: [CASCADE_ROOT] },
  { name: 'renamed namespace, workloads, ConfigMap and nodes, new uids', lines: remapUids(renameEverywhere(cascade, cascadeRenames), 'a'), accept: [renameEntity(CASCADE_ROOT, cascadeRenames)] },
  { name: 'three days later, twice as slow', lines: retime(cascade, { shiftMs: 72 * HOUR, stretch: 2 }), accept: [CASCADE_ROOT] },
  { name: 'twice as fast', lines: retime(cascade, { stretch: 0.5 }), accept: [CASCADE_ROOT] },
  { name: 'edit 40 minutes before the rollout', lines: moveLines(startEarlier(cascade, HOUR), isConfigEdit, -38 * MINUTE), accept: [CASCADE_ROOT] },
  { name: 'edit 90 minutes before the rollout', lines: moveLines(startEarlier(cascade, 2 * HOUR), isConfigEdit, -88 * MINUTE), accept: [CASCADE_ROOT] },
  { name: 'new pods never become ready instead of crashing; the rollout stalls', lines: crashesToUnready(cascade, 'shop', 'checkout-h255j8bmp'), accept: [CASCADE_ROOT] },
  { name: 'a Secret instead of a ConfigMap', lines: configMapToSecret(cascade, 'shop', 'checkout-config'), accept: [entity('Secret', 'shop', 'checkout-config')] },
  { name: 'a StatefulSet instead of a Deployment', lines: deploymentToStatefulSet(cascade, 'shop', 'checkout'), accept: [CASCADE_ROOT] },
  { name: 'the ConfigMap consumed through envFrom instead of a volume', lines: configMapAsEnv(cascade, 'shop', 'checkout-config'), accept: [CASCADE_ROOT] },
  { name: 'both new pods on one node', lines: placePods(cascade, 'shop', 'checkout-h255j8bmp', 'node-3'), accept: [CASCADE_ROOT] },
  { name: 'with another cluster’s rollout, CronJobs and probe blip as noise', lines: withNoise(cascade, benign, 'x-'), accept: [CASCADE_ROOT] },
  { name: 'noise rollout two minutes before the edit', lines: withNoise(cascade, benign, 'y-', 2 * MINUTE), accept: [CASCADE_ROOT] },
  {
    name: 'everything at once: renamed Secret, StatefulSet, stretched, noise',
    lines: withNoise(retime(remapUids(renameEverywhere(deploymentToStatefulSet(configMapToSecret(cascade, 'shop', 'checkout-config'), 'shop', 'checkout'), cascadeRenames), 'b'), { shiftMs: 5 * HOUR, stretch: 1.5 }), benign, 'z-'),
    accept: [renameEntity(entity('Secret', 'shop', 'checkout-config'), cascadeRenames)],
  },
];

// ---- oom-cascade: recommendations OOM-killed, node-2 memory pressure evicts analytics/report-worker
const OOM_ROOTS = [
  entity('Deployment', 'shop', 'recommendations'),
  entity('Pod', 'shop', 'recommendations-dchfxxckg-bwbhw'),
  entity('Pod', 'shop', 'recommendations-dchfxxckg-p2xk6'),
  entity('Pod', 'shop', 'recommendations-dchfxxckg-sksp5'),
  entity('ReplicaSet', 'shop', 'recommendations-dchfxxckg'),
];
const oomRenames = { shop: 'store', recommendations: 'recs-engine', frontend: 'web', analytics: 'batch', 'report-worker': 'etl-runner', 'node-1': 'worker-c', 'node-2': 'worker-a', 'node-3': 'worker-b' };
const nodeSwap = { 'node-1': 'node-2', 'node-2': 'node-3', 'node-3': 'node-1' };

const oomVariants: Variant[] = [
  { name: 'as recorded', lines: oom, accept: OOM_ROOTS },
  { name: 'renamed namespaces, workloads and nodes, new uids', lines: remapUids(renameEverywhere(oom, oomRenames), 'c'), accept: OOM_ROOTS.map((root) => renameEntity(root, oomRenames)) },
  { name: 'nodes permuted (the hog and its victim on another node)', lines: renameEverywhere(oom, nodeSwap), accept: OOM_ROOTS },
  { name: 'a day earlier, 1.7 times slower', lines: retime(oom, { shiftMs: -24 * HOUR, stretch: 1.7 }), accept: OOM_ROOTS },
  { name: 'twice as fast', lines: retime(oom, { stretch: 0.5 }), accept: OOM_ROOTS },
  { name: 'the hog is a StatefulSet', lines: deploymentToStatefulSet(oom, 'shop', 'recommendations'), accept: [entity('StatefulSet', 'shop', 'recommendations'), ...OOM_ROOTS.filter((root) => root.kind === 'Pod')] },
  { name: 'with another cluster’s rollout, CronJobs and probe blip as noise', lines: withNoise(oom, benign, 'x-'), accept: OOM_ROOTS },
  {
    name: 'everything at once: renamed StatefulSet, permuted nodes, stretched, noise',
    lines: withNoise(retime(remapUids(renameEverywhere(renameEverywhere(deploymentToStatefulSet(oom, 'shop', 'recommendations'), nodeSwap), oomRenames), 'd'), { shiftMs: 3 * HOUR, stretch: 1.3 }), benign, 'z-'),
    accept: [entity('StatefulSet', 'store', 'recs-engine'), ...OOM_ROOTS.filter((root) => root.kind === 'Pod').map((root) => renameEntity(root, oomRenames))],
  },
];

// ---- benign-rollout: a routine rolling update, CronJobs, one readiness blip
const benignRenames = { shop: 'retail', catalog: 'products', frontend: 'storefront', 'node-1': 'gke-pool-a-1', 'node-2': 'gke-pool-a-2', 'node-3': 'gke-pool-a-3' };
const benignVariants: Variant[] = [
  { name: 'as recorded', lines: benign, accept: [] },
  { name: 'renamed, new uids', lines: remapUids(renameEverywhere(benign, benignRenames), 'e'), accept: [] },
  { name: 'twice as slow', lines: retime(benign, { stretch: 2 }), accept: [] },
  { name: 'three times as fast', lines: retime(benign, { stretch: 0.33 }), accept: [] },
  { name: 'the rolled workload is a StatefulSet', lines: deploymentToStatefulSet(benign, 'shop', 'catalog'), accept: [] },
  { name: 'two routine rollouts at once', lines: withNoise(benign, benign, 'x-', 30_000), accept: [] },
  { name: 'a ConfigMap edit rolled out successfully (the cascade recording without the crashes)', lines: crashesToHealthy(cascade, 'shop', 'checkout-h255j8bmp'), accept: [] },
  { name: 'the same, 90 minutes between edit and rollout', lines: crashesToHealthy(moveLines(startEarlier(cascade, 2 * HOUR), isConfigEdit, -88 * MINUTE), 'shop', 'checkout-h255j8bmp'), accept: [] },
];

describe('configmap-cascade variants: the first insight blames the edited ConfigMap / Secret', () => {
  for (const variant of cascadeVariants) it(variant.name, () => check(variant));
});

describe('oom-cascade variants: the first insight blames the OOM-killed workload', () => {
  for (const variant of oomVariants) it(variant.name, () => check(variant));
});

describe('benign-rollout variants: nothing of severity medium or above', () => {
  for (const variant of benignVariants) it(variant.name, () => check(variant));
});
