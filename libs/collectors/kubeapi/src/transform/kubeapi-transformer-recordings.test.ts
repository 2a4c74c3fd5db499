import { describe, expect, it } from 'vitest';
import { EVENT_SEMANTICS, UnifiedEvent } from '@tapio/domain';
import { context, on, replay, watch, type Output } from './kubeapi-transformer.test-support.js';
import { KubeApiTransformer } from './kubeapi-transformer.js';

describe('KubeApiTransformer on the configmap-cascade recording', () => {
  const outputs = replay('configmap-cascade');

  it('produces only valid UnifiedEvents', () => {
    for (const { event } of outputs) expect(UnifiedEvent.safeParse(event).success).toBe(true);
  });

  it('reports the ConfigMap edit as config_changed with the line it changed, and nothing else of the content', () => {
    const changed = on(outputs, 'config_changed');
    expect(changed).toHaveLength(1);
    const { line, event } = changed[0] as Output;
    expect(line).toBe(107);
    expect(event.timestamp).toBe('2026-03-02T10:03:12Z');
    expect(event.entity).toMatchObject({ kind: 'ConfigMap', namespace: 'shop', name: 'checkout-config', cluster: 'prod-west' });
    expect(event.message).toBe('ConfigMap shop/checkout-config changed: application.yaml: line 12 added: "   applePay: true"');
    expect(event.kubernetes?.changes).toEqual([{ path: 'data.application.yaml', op: 'changed', lines: [{ line: 12, after: '   applePay: true' }] }]);
    // Only the changed line travels: the rest of the file stays in the transformer.
    expect(JSON.stringify(event)).not.toContain('shutdownTimeout');
  });

  it("reports the Deployment's pod template change (the checksum/config bump), not its status churn", () => {
    const specChanges = on(outputs, 'workload_spec_changed');
    expect(specChanges.map(({ line, event }) => [line, event.entity?.name])).toEqual([[111, 'checkout']]);
    const change = specChanges[0]?.event.kubernetes?.changes?.find((item) => item.path === 'spec.template.annotations.checksum/config');
    expect(change).toMatchObject({ op: 'changed', after: '0e34b3a4ae467a16e18fcf4dba94d4cae8a5cc05b5a3b3095c2886369500f817' });
  });

  it('reports the crash loop of the new pods, with restarts exiting 1, and the stalled rollout', () => {
    for (const pod of ['checkout-h255j8bmp-5rkwm', 'checkout-h255j8bmp-m6cqz']) {
      expect(on(outputs, 'crash_loop', pod).length).toBeGreaterThanOrEqual(3);
      const restarts = on(outputs, 'pod_restart', pod);
      expect(restarts.map(({ event }) => event.kubernetes?.restartCount)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      for (const { event } of restarts) expect(event.kubernetes).toMatchObject({ container: 'checkout', exitCode: 1, restartDelta: 1 });
    }
    expect(on(outputs, 'rollout_stalled', 'checkout')).toHaveLength(1);
  });

  it('folds a repeated BackOff Event into a few signals with growing counts, not one per MODIFIED', () => {
    const backOff = outputs.filter(({ event }) => event.kubernetes?.eventReason === 'BackOff' && event.entity?.name === 'checkout-h255j8bmp-5rkwm');
    // The recording MODIFIES this Event 27 times (count 1 -> 28): told again when its count
    // doubles or its span since the first back-off has grown by half (6, 10, 15, 22).
    expect(backOff.map(({ event }) => event.kubernetes?.count)).toEqual([1, 2, 4, 6, 10, 15, 22]);
    expect(new Set(backOff.map(({ event }) => event.id)).size).toBe(backOff.length);
    for (const { event } of backOff) {
      expect(event.type).toBe('crash_loop');
      expect(event.entity).toMatchObject({ kind: 'Pod', namespace: 'shop', uid: 'ec8add94-e0c5-4c96-98cf-7825b4142e66' });
      expect(event.kubernetes?.container).toBe('checkout');
    }
  });

  it('signals a repeating Event again after the refold interval even when its count has not doubled', () => {
    const transformer = new KubeApiTransformer({ eventRefoldMs: 60_000 });
    const event = (count: number, timestamp: string) =>
      watch(count === 1 ? 'ADDED' : 'MODIFIED', {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: 'p.1', namespace: 'shop', uid: 'ev-1', resourceVersion: String(count) },
        involvedObject: { kind: 'Pod', name: 'p', namespace: 'shop' },
        reason: 'Unhealthy',
        message: 'Readiness probe failed',
        type: 'Warning',
        count,
      }, timestamp);
    const counts = [
      [1, '2026-03-02T10:00:00Z'],
      [2, '2026-03-02T10:00:10Z'],
      [3, '2026-03-02T10:00:20Z'],
      [5, '2026-03-02T10:02:00Z'],
    ] as const;
    const signalled = counts.flatMap(([count, at]) => transformer.transform(event(count, at), context(count)).map((out) => out.kubernetes?.count));
    expect(signalled).toEqual([1, 2, 5]);
  });
});

describe('KubeApiTransformer on the oom-cascade recording', () => {
  const outputs = replay('oom-cascade');

  it('reports each OOM kill of the recommendations pods once, with exit code 137', () => {
    const finalRestarts: Record<string, number> = { 'recommendations-dchfxxckg-bwbhw': 7, 'recommendations-dchfxxckg-p2xk6': 6, 'recommendations-dchfxxckg-sksp5': 6 };
    for (const [pod, restarts] of Object.entries(finalRestarts)) {
      const kills = on(outputs, 'oom_killed', pod);
      expect(kills.length, pod).toBe(restarts);
      for (const { event } of kills) {
        expect(event.kubernetes).toMatchObject({ container: 'recommendations', reason: 'OOMKilled', exitCode: 137 });
        expect(event.severity).toBe('high');
      }
    }
  });

  it('reports memory pressure on node-2 (condition and kubelet Events) and the eviction of the analytics pod', () => {
    const pressure = on(outputs, 'memory_pressure');
    expect(new Set(pressure.map(({ event }) => `${event.entity?.kind}/${event.entity?.name}`))).toEqual(new Set(['Node/node-2']));
    const fromCondition = pressure.find(({ event }) => event.kubernetes?.condition === 'MemoryPressure');
    expect(fromCondition?.event.timestamp).toBe('2026-03-04T14:28:20Z');
    expect(fromCondition?.event.entity?.namespace).toBeUndefined();

    const evictions = on(outputs, 'pod_evicted');
    expect(evictions.length).toBeGreaterThanOrEqual(1);
    for (const { event } of evictions) {
      expect(event.entity).toMatchObject({ kind: 'Pod', namespace: 'analytics', name: 'report-worker-tzj7gfr2dm-fb7z6' });
      expect(event.message).toMatch(/low on resource: memory/);
    }
    const firstEviction = Math.min(...evictions.map(({ line }) => line));
    expect(firstEviction).toBeGreaterThan(fromCondition?.line ?? Infinity);
  });
});

describe('KubeApiTransformer on the benign-rollout recording', () => {
  const outputs = replay('benign-rollout');

  it('reports no failure signal except the one transient readiness probe failure', () => {
    const failures = outputs.filter(({ event }) => EVENT_SEMANTICS[event.type].failure);
    expect(failures.map(({ event }) => `${event.type} ${event.entity?.name}`)).toEqual(['probe_failed frontend-f6ctxvmqc4-pwn7l']);
    expect(failures[0]?.event.severity).toBe('low');
  });

  it('reports the image change as the only pod template change', () => {
    const changes = on(outputs, 'workload_spec_changed');
    expect(changes).toHaveLength(1);
    expect(changes[0]?.event.kubernetes?.changes).toEqual([
      { path: 'spec.containers[catalog].image', op: 'changed', before: 'registry.acme.io/shop/catalog:3.8.1', after: 'registry.acme.io/shop/catalog:3.8.2' },
    ]);
  });
});
