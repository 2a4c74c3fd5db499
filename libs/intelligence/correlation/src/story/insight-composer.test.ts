import { describe, expect, it } from 'vitest';
import { entityKey, type IndexedEvent } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { caused, compiled, indexAll, mustMatch } from '../../test/support/units.js';
import type { IncidentDraft } from '../incidents/incident.js';
import type { CausalPath } from '../rootcause/find-root-cause.js';
import { composeInsight, type ComposerContext } from './insight-composer.js';

const pattern = compiled('cascade', {
  severity: 'high',
  sequence: [
    { id: 'change', conditions: [{ field: 'type', operator: 'equals', value: 'config_changed' }] },
    { id: 'failure', relation: 'mounts', within: '45m', conditions: [{ field: 'type', operator: 'equals', value: 'crash_loop' }] },
  ],
  story: '{{change.entity}} changed; {{pods}} pods failed',
  nextChecks: ['Diff {{root}}', 'Roll back {{change.entity}}'],
  predictions: [{ type: 'cascading_failure', confidence_base: 0.8, time_horizon: '30m', message: '{{pattern}} will reach every pod of {{root}}', impact: ['pod_restarts'] }],
});

function cascade() {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1', 'node-2');
  const config = cluster.configMap('shop', 'checkout-config');
  const checkout = cluster.workload('shop', 'checkout', { replicas: 2, configMaps: ['checkout-config'], nodes: ['node-1', 'node-2'] });
  cluster.service(checkout);
  cluster.advance(60);
  const edit = cluster.editConfig(config);
  cluster.advance(120);
  const crash = cluster.crashLoop(checkout.pods[0]!, 3);
  cluster.advance(60);
  const crash2 = cluster.crashLoop(checkout.pods[1]!, 3);
  const { state, indexed } = indexAll(cluster.events);
  const paths = new Map<string, CausalPath>([
    [crash.id, { events: [indexed(edit), indexed(crash)], edges: [caused(edit, crash)], confidence: 0.9 }],
    [crash2.id, { events: [indexed(edit), indexed(crash2)], edges: [caused(edit, crash2)], confidence: 0.9 }],
  ]);
  const context: ComposerContext = {
    state,
    walk: (start: IndexedEvent) => paths.get(start.event.id) ?? { events: [start], edges: [], confidence: 1 },
    patternConfidence: (_name, base) => base,
  };
  const draft = (trigger: typeof crash, symptoms: Array<typeof crash>, times: { firstSeen?: string; lastSeen?: string } = {}): IncidentDraft => ({
    id: 'ins-1',
    rootKey: entityKey(config),
    match: mustMatch(pattern, indexed(trigger), state),
    rootEvent: indexed(edit),
    path: { events: [indexed(edit)], edges: [], confidence: 1 },
    symptoms: new Map(symptoms.map((event) => [indexed(event).entityKey ?? '', indexed(event)])),
    previous: { times: ['2026-02-27T09:00:00Z'], count: 1 },
    firstSeen: times.firstSeen,
    lastSeen: times.lastSeen,
  });
  return { cluster, checkout, edit, crash, crash2, context, draft };
}

describe('composeInsight', () => {
  it('composes the insight: root cause, chain, symptoms, what they touch, texts and story', () => {
    const { checkout, edit, crash, crash2, context, draft } = cascade();
    const { insight } = composeInsight(draft(crash2, [crash, crash2]), context);
    expect(insight).toMatchObject({
      id: 'ins-1',
      title: 'cascade: ConfigMap shop/checkout-config',
      severity: 'high',
      pattern: 'cascade',
      rootCause: { entity: { kind: 'ConfigMap', name: 'checkout-config', namespace: 'shop' }, eventId: edit.id, eventType: 'config_changed', timestamp: edit.timestamp },
      nextChecks: ['Diff ConfigMap shop/checkout-config', 'Roll back ConfigMap shop/checkout-config'],
      previousOccurrences: ['2026-02-27T09:00:00Z'],
      firstSeen: edit.timestamp,
      lastSeen: crash2.timestamp,
      createdAt: edit.timestamp,
      cluster: 'test',
    });
    expect(insight.rootCause.what).toBe(`${edit.message} (${edit.timestamp})`);
    expect(insight.symptoms.map((ref) => ref.name)).toEqual(checkout.pods.map((pod) => pod.name));
    expect(insight.chain.map((link) => link.eventId)).toEqual([edit.id, crash2.id]);
    expect(insight.chain[1]?.relation).toBe('config_changed explains crash_loop');
    expect(insight.affected.map((ref) => ref.kind)).toEqual(['Pod', 'Pod', 'ReplicaSet', 'Deployment', 'Service', 'Node', 'Node']);
    expect(insight.eventIds).toEqual([edit.id, crash2.id, crash.id]);
    // Two symptoms, a chain: 0.8 × (0.85 + 0.075 + 0.025).
    expect(insight.confidence).toBeCloseTo(0.8 * 0.95, 10);
    const lines = insight.story.split('\n');
    // Stored stories carry absolute times only; ages are added where they are shown.
    expect(lines[0]).toBe(`${edit.timestamp}: ${edit.message}`);
    expect(lines).toContain('  ├─ ConfigMap shop/checkout-config changed; 2 pods failed');
    expect(lines).toContain('  ├─ Used by: 2 pods of Deployment shop/checkout');
    expect(lines).toContain(`  ├─ 2 pods affected (crash loop): ${checkout.pods.map((pod) => pod.name).join(', ')} across 2 nodes (node-1, node-2)`);
    expect(lines).toContain("  ├─ Service 'checkout' selects these pods");
    expect(lines).toContain('  ├─ Previous occurrence: same pattern at 2026-02-27T09:00:00Z (1 before)');
    expect(lines.at(-1)).toBe('  └─ Next: Diff ConfigMap shop/checkout-config');
  });

  it('composes the prediction from the pattern, with the insight\u2019s confidence and deterministic ids', () => {
    const { crash, context, draft } = cascade();
    const first = composeInsight(draft(crash, [crash]), context);
    const again = composeInsight(draft(crash, [crash]), context);
    expect(first).toEqual(again);
    expect(first.prediction).toEqual({
      id: first.insight.predictionId,
      patternId: 'cascade',
      insightId: 'ins-1',
      type: 'cascading_failure',
      confidence: first.insight.confidence,
      timeHorizon: '30m',
      message: 'cascade will reach every pod of ConfigMap shop/checkout-config',
      impact: ['pod_restarts'],
      createdAt: first.insight.firstSeen,
    });
    expect(first.insight.predictionId).toMatch(/^pred-[0-9a-f]{16}$/);
  });

  it('a recomposition keeps when the incident started and never moves its last sighting back', () => {
    const { crash, context, draft } = cascade();
    const { insight } = composeInsight(draft(crash, [crash], { firstSeen: '2026-03-02T09:00:00Z', lastSeen: '2026-03-02T23:00:00Z' }), context);
    expect(insight.firstSeen).toBe('2026-03-02T09:00:00Z');
    expect(insight.createdAt).toBe('2026-03-02T09:00:00Z');
    expect(insight.lastSeen).toBe('2026-03-02T23:00:00Z');
  });

  it('takes the pattern confidence after feedback from the context', () => {
    const { crash, context, draft } = cascade();
    const { insight, prediction } = composeInsight(draft(crash, [crash]), { ...context, patternConfidence: () => 0.5 });
    // 0.5 × 0.925 = 0.4625, in whole percent.
    expect(insight.confidence).toBe(0.46);
    expect(prediction.confidence).toBe(insight.confidence);
  });

  it('lists the newest earlier occurrences and counts them all', () => {
    const { crash, context, draft } = cascade();
    const times = Array.from({ length: 20 }, (_, day) => new Date(Date.UTC(2026, 1, 1 + day, 9)).toISOString());
    const { insight } = composeInsight({ ...draft(crash, [crash]), previous: { times, count: 57 } }, context);
    expect(insight.previousOccurrences).toEqual(times);
    expect(insight.story).toContain(`Previous occurrence: same pattern at ${times.at(-1)} (57 before)`);
  });
});
