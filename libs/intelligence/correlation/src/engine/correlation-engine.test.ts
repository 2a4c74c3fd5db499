import { describe, expect, it } from 'vitest';
import type { Correlation, Correlator, IndexedEvent } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { behaviorPattern } from '../../test/support/units.js';
import { FeedbackLedger } from '../feedback/feedback-ledger.js';
import { CorrelationEngine } from './correlation-engine.js';

/** A correlator that says every crash was caused by the latest ConfigMap edit before it. */
class EditCausesCrash implements Correlator {
  readonly id = 'edit-causes-crash';
  private lastEdit: IndexedEvent | undefined;
  correlate(event: IndexedEvent): Correlation[] {
    if (event.event.type === 'config_changed') this.lastEdit = event;
    if (event.event.type !== 'crash_loop' || !this.lastEdit) return [];
    return [{ kind: 'CAUSED', fromEventId: this.lastEdit.event.id, toEventId: event.event.id, confidence: 0.9, reason: 'the edit', correlator: this.id }];
  }
}

const crashes = behaviorPattern('crashes', { priority: 60, severity: 'high', conditions: [{ field: 'type', operator: 'equals', value: 'crash_loop' }] });
const outage = behaviorPattern('outage', {
  priority: 75,
  severity: 'critical',
  conditions: [{ field: 'type', operator: 'equals', value: 'service_unavailable' }],
  holdFor: '2m',
  clearedBy: [{ field: 'type', operator: 'equals', value: 'service_restored' }],
});

function engine(ledger = new FeedbackLedger()) {
  const built = new CorrelationEngine([new EditCausesCrash()], ledger);
  built.setPatterns([crashes, outage]);
  return built;
}

function shop() {
  const cluster = new ClusterFixture();
  cluster.nodes('node-1');
  const config = cluster.configMap('shop', 'checkout-config');
  const checkout = cluster.workload('shop', 'checkout', { replicas: 2, configMaps: ['checkout-config'], nodes: ['node-1'] });
  cluster.advance(60);
  return { cluster, config, checkout };
}

describe('CorrelationEngine', () => {
  it('correlates, matches and blames the earliest cause; a redelivered event changes nothing', () => {
    const { cluster, config, checkout } = shop();
    const correlation = engine();
    for (const event of cluster.events) correlation.process(event);
    correlation.process(cluster.editConfig(config));
    cluster.advance(60);
    const crash = cluster.crashLoop(checkout.pods[0]!, 3);
    const output = correlation.process(crash);
    expect(output.correlations).toHaveLength(1);
    expect(output.insights.map((insight) => `${insight.pattern} ${insight.rootCause.entity.kind}/${insight.rootCause.entity.name}`)).toEqual(['crashes ConfigMap/checkout-config']);
    expect(output.predictions.map((prediction) => prediction.insightId)).toEqual([output.insights[0]?.id]);
    expect(correlation.process(crash)).toEqual({ topology: [], correlations: [], insights: [], predictions: [] });
    expect(correlation.matches('crashes')).toBe(1);
    expect(correlation.insights()).toEqual(output.insights);
    expect(correlation.memory()).toMatchObject({ incidents: 1, roots: 1, held: 0 });
  });

  it('tells an incident that goes on every five minutes of repeats, its insight as it stands and no new prediction', () => {
    const { cluster, config, checkout } = shop();
    const correlation = engine();
    for (const event of cluster.events) correlation.process(event);
    correlation.process(cluster.editConfig(config));
    cluster.advance(60);
    const opened = correlation.process(cluster.crashLoop(checkout.pods[0]!, 3));
    expect(opened.predictions).toHaveLength(1);
    const told: Array<{ minute: number; lastSeen: string; predictions: number }> = [];
    for (let minute = 2; minute <= 12; minute += 2) {
      cluster.advance(120);
      const output = correlation.process(cluster.crashLoop(checkout.pods[0]!, 3 + minute));
      for (const insight of output.insights) told.push({ minute, lastSeen: insight.lastSeen, predictions: output.predictions.length });
    }
    // The same symptom again and again: told at minute 6 and 12 (five minutes or more past the last version), with its time.
    expect(told.map((item) => [item.minute, item.predictions])).toEqual([[6, 0], [12, 0]]);
    expect(told.map((item) => item.lastSeen)).toEqual([told[0]?.lastSeen, cluster.now]);
    expect(correlation.insights()[0]).toEqual({ ...opened.insights[0], lastSeen: cluster.now });
  });

  it('holds a match until its hold ends in event time, and drops it when the trouble clears', () => {
    const { cluster } = shop();
    const correlation = engine();
    const cart = cluster.ref('Service', 'cart', 'shop');
    const checkout = cluster.ref('Service', 'checkout', 'shop');
    expect(correlation.process(cluster.signal('service_unavailable', cart)).insights).toEqual([]);
    expect(correlation.process(cluster.signal('service_unavailable', checkout)).insights).toEqual([]);
    expect(correlation.heldCount).toBe(2);
    cluster.advance(30);
    correlation.process(cluster.signal('service_restored', checkout));
    expect(correlation.heldCount).toBe(1);
    expect(correlation.releaseDue(Date.parse(cluster.now)).insights).toEqual([]);
    cluster.advance(120);
    // Any later event moves engine time on and releases what is due.
    const released = correlation.process(cluster.signal('pod_ready', cluster.ref('Pod', 'other', 'shop')));
    expect(released.insights.map((insight) => `${insight.pattern} ${insight.rootCause.entity.name}`)).toEqual(['outage cart']);
    expect(correlation.heldCount).toBe(0);
  });

  it('releases everything still held at the end of a recording', () => {
    const { cluster } = shop();
    const correlation = engine();
    correlation.process(cluster.signal('service_unavailable', cluster.ref('Service', 'cart', 'shop')));
    expect(correlation.releaseDue(Number.POSITIVE_INFINITY).insights).toHaveLength(1);
    expect(correlation.releaseDue(Number.POSITIVE_INFINITY).insights).toEqual([]);
  });

  it('re-rates open incidents when feedback changes a pattern\u2019s accuracy', () => {
    const { cluster, checkout } = shop();
    const ledger = new FeedbackLedger();
    const correlation = engine(ledger);
    for (const event of cluster.events) correlation.process(event);
    const [insight] = correlation.process(cluster.crashLoop(checkout.pods[0]!, 3)).insights;
    for (let index = 0; index < 4; index += 1) ledger.record({ id: `f-${index}`, predictionId: insight?.predictionId ?? '', patternId: 'crashes', accurate: false, rating: -1, comment: '', timestamp: cluster.now });
    const [rerated] = correlation.refreshConfidence('crashes');
    expect(rerated?.id).toBe(insight?.id);
    expect(rerated?.confidence).toBeLessThan(insight?.confidence ?? 0);
    expect(correlation.predictions()[0]?.confidence).toBe(rerated?.confidence);
  });

  it('a pattern reload keeps running incidents and match counts', () => {
    const { cluster, checkout } = shop();
    const correlation = engine();
    correlation.process(cluster.crashLoop(checkout.pods[0]!, 3));
    correlation.setPatterns([outage]);
    expect(correlation.patternNames()).toEqual(['outage']);
    expect(correlation.process(cluster.crashLoop(checkout.pods[1]!, 3)).insights).toEqual([]);
    expect(correlation.insights().map((insight) => insight.pattern)).toEqual(['crashes']);
    expect(correlation.matches('crashes')).toBe(1);
  });
});
