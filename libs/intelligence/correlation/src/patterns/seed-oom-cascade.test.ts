import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { EntityRef, UnifiedEvent } from '@tapio/domain';
import { ClusterFixture } from '../../test/support/cluster-fixture.js';
import { CorrelationEngine, FeedbackLedger, builtinCorrelators } from '../index.js';
import { BUILTIN_PATTERN_DIR } from './builtin-pattern-dir.js';
import { DirectoryPatternSource, duplicateReason } from './directory-pattern-source.js';
import { parsePatternFile } from './parse-pattern-file.js';

// Seed 002's oom-cascade example, copied byte for byte from the seed.
const SEED_FILE = fileURLToPath(new URL('../../../../../examples/patterns/seed-002/oom-cascade.yaml', import.meta.url));

function seedEngine(): CorrelationEngine {
  const parsed = parsePatternFile(readFileSync(SEED_FILE, 'utf8'), SEED_FILE);
  expect(parsed.errors).toEqual([]);
  const engine = new CorrelationEngine(builtinCorrelators(), new FeedbackLedger());
  engine.setPatterns(parsed.patterns);
  return engine;
}

/** As the kubelet collector reports a container's working set against its limit. */
function usage(cluster: ClusterFixture, pod: EntityRef, percent: number): UnifiedEvent {
  const event = cluster.signal('resource_usage', pod, { message: `memory at ${percent}% of its limit` });
  event.source = 'kubelet_api';
  event.kubernetes = { container: 'app' };
  event.metrics = { 'memory.usage_percent': percent, 'memory.limit_bytes': 64 * 1024 * 1024 };
  return event;
}

function fired(events: readonly UnifiedEvent[]) {
  const engine = seedEngine();
  for (const event of events) engine.process(event);
  engine.releaseDue(Number.POSITIVE_INFINITY);
  return engine.insights().filter((insight) => insight.pattern === 'oom-cascade');
}

describe("seed 002's oom-cascade, loaded unchanged", () => {
  it('loads: OOMKilled reads as oom_killed, memory.usage_percent as the metric of that name', () => {
    const [pattern] = parsePatternFile(readFileSync(SEED_FILE, 'utf8'), SEED_FILE).patterns;
    expect(pattern?.spec.conditions?.map((condition) => [condition.type, condition.field, condition.value])).toEqual([
      ['metric', 'memory.usage_percent', 85],
      ['event', 'type', 'OOMKilled'],
    ]);
  });

  it('fires when the pod was above 85% of its memory limit within 5 minutes before its OOM kill', () => {
    const cluster = new ClusterFixture();
    cluster.nodes('node-1');
    const ledger = cluster.workload('ledger', 'api', { replicas: 1, nodes: ['node-1'] });
    const pod = ledger.pods[0] as EntityRef;
    cluster.advance(60);
    usage(cluster, pod, 70);
    cluster.advance(60);
    usage(cluster, pod, 91);
    cluster.advance(120);
    cluster.oomKill(pod, 1);
    const insights = fired(cluster.events);
    expect(insights).toHaveLength(1);
    expect(insights[0]?.rootCause.entity).toMatchObject({ kind: 'Pod', name: pod.name });
    expect(insights[0]?.rootCause.eventType).toBe('oom_killed');
    expect(insights[0]?.predictionId).toBeDefined();
  });

  it('near misses: below 85%, high only on another pod, or high more than 5 minutes before', () => {
    const scenario = (build: (cluster: ClusterFixture, victim: EntityRef, other: EntityRef) => void) => {
      const cluster = new ClusterFixture();
      cluster.nodes('node-1');
      const [victim, other] = cluster.workload('ledger', 'api', { replicas: 2, nodes: ['node-1'] }).pods as [EntityRef, EntityRef];
      cluster.advance(60);
      build(cluster, victim, other);
      cluster.oomKill(victim, 1);
      return fired(cluster.events);
    };
    expect(scenario((cluster, victim) => void (usage(cluster, victim, 84), cluster.advance(30)))).toEqual([]);
    expect(scenario((cluster, _victim, other) => void (usage(cluster, other, 95), cluster.advance(30)))).toEqual([]);
    expect(scenario((cluster, victim) => void (usage(cluster, victim, 99), cluster.advance(301)))).toEqual([]);
    // The same builder with the kill inside the window fires: the near misses above fail for their reason.
    expect(scenario((cluster, victim) => void (usage(cluster, victim, 99), cluster.advance(299)))).toHaveLength(1);
  });

  it("next to the built-in patterns, is rejected naming both files: the built-in oom-cascade stays, whatever the paths' order", async () => {
    const builtinFile = join(BUILTIN_PATTERN_DIR, 'oom-cascade.yaml').replace(/\/$/, '');
    // The seed's folder sorts before the built-in one by path (examples/ < libs/): the
    // configured order decides, not the path.
    expect(dirname(SEED_FILE) < BUILTIN_PATTERN_DIR).toBe(true);
    const set = await new DirectoryPatternSource([BUILTIN_PATTERN_DIR, dirname(SEED_FILE)]).load();
    expect(set.errors).toEqual([{ file: SEED_FILE, reason: duplicateReason('oom-cascade', builtinFile) }]);
    expect(set.errors[0]?.reason).toContain('correlation.builtinPatterns: false');
    const kept = set.patterns.filter((pattern) => pattern.metadata.name === 'oom-cascade');
    expect(kept).toHaveLength(1);
    expect(kept[0]?.spec.sequence?.map((step) => step.id)).toContain('pressure');
    expect(set.files[SEED_FILE]).toEqual([]);
  });

  it('with builtinPatterns: false (its folder alone), loads under its own name', async () => {
    const set = await new DirectoryPatternSource([dirname(SEED_FILE)]).load();
    expect(set.errors).toEqual([]);
    expect(set.patterns.map((pattern) => pattern.metadata.name)).toEqual(['oom-cascade']);
  });
});
