import { describe, expect, it } from 'vitest';
import type { Insight } from '../api/types.ts';
import { age, entityLabel, gap, incidentNamespaces, predictionResult, rootCauseText, utc, whyHref } from './format.ts';
import { laneOf } from './timeline-lanes.ts';

describe('formatting for the web UI', () => {
  it('says how long ago in the largest whole unit', () => {
    const now = Date.parse('2026-03-02T12:00:00Z');
    expect(age('2026-03-02T11:59:15Z', now)).toBe('45 s');
    expect(age('2026-03-02T11:57:00Z', now)).toBe('3 min');
    expect(age('2026-03-02T09:00:00Z', now)).toBe('3 h');
    expect(age('2026-02-20T12:00:00Z', now)).toBe('10 d');
    expect(age('2026-03-02T12:00:05Z', now)).toBe('0 s');
  });

  it('says what later events made of a prediction: came true at, did not happen, expected by', () => {
    expect(predictionResult({ deadline: '2026-03-02T14:07:00Z', result: { status: 'came_true', at: '2026-03-02T14:02:31Z' } })).toBe('came true 14:02');
    expect(predictionResult({ deadline: '2026-03-02T14:07:00Z', result: { status: 'did_not_happen', at: '2026-03-02T14:07:00Z' } })).toBe('did not happen');
    expect(predictionResult({ deadline: '2026-03-02T14:30:00Z', result: { status: 'partly_true', at: '2026-03-02T14:21:00Z' } })).toBe('partly right 14:21');
    expect(predictionResult({ deadline: '2026-03-02T14:07:00Z' })).toBe('expected by 14:07');
    expect(predictionResult({})).toBeUndefined();
  });

  it('measures gaps in minutes and seconds', () => {
    expect(gap('2026-03-02T10:03:12Z', '2026-03-02T10:05:48Z')).toBe('2 min 36 s');
    expect(gap('2026-03-02T10:03:12Z', '2026-03-02T10:03:40Z')).toBe('28 s');
    expect(gap('2026-03-02T10:03:12Z', '2026-03-02T10:05:12Z')).toBe('2 min');
  });

  it('names entities and links them to their why', () => {
    expect(entityLabel({ kind: 'ConfigMap', namespace: 'shop', name: 'checkout-config' })).toBe('ConfigMap shop/checkout-config');
    expect(entityLabel({ kind: 'Node', namespace: null, name: 'node-1' })).toBe('Node node-1');
    expect(whyHref({ kind: 'Node', namespace: null, name: 'node-1' })).toBe('/resource/Node/_/node-1');
    expect(utc('2026-03-02T10:03:12.000Z')).toBe('2026-03-02 10:03:12Z');
  });

  it('reads namespaces and the root cause sentence off an insight', () => {
    const insight = {
      rootCause: { entity: { kind: 'ConfigMap', namespace: 'shop', name: 'c' }, what: 'ConfigMap shop/c changed: key a edited (2026-03-02T10:03:12Z)' },
      symptoms: [{ kind: 'Pod', namespace: 'shop', name: 'p' }, { kind: 'Pod', namespace: 'web', name: 'q' }, { kind: 'Node', name: 'n' }],
    } as unknown as Insight;
    expect(incidentNamespaces(insight)).toEqual(['shop', 'web']);
    expect(rootCauseText(insight)).toBe('ConfigMap shop/c changed: key a edited');
  });

  it('puts events in causal lanes, the root event first whatever its type', () => {
    expect(laneOf({ type: 'config_changed' })).toBe('change');
    expect(laneOf({ type: 'workload_spec_changed' })).toBe('rollout');
    expect(laneOf({ type: 'crash_loop' })).toBe('crash');
    expect(laneOf({ type: 'endpoints_changed' })).toBe('endpoints');
    expect(laneOf({ type: 'k8s_event' as never })).toBe('other');
    expect(laneOf({ type: 'oom_kill' }, 'evt-1', 'evt-1')).toBe('change');
  });
});

describe('line diff of a changed configuration value', () => {
  it('keeps common lines and marks removed and added ones', async () => {
    const { diffLines } = await import('./line-diff.ts');
    const before = 'server:\n  port: 8080\npayments:\n  timeoutMs: 2500\n';
    const after = 'server:\n  port: 8080\npayments:\n  timeoutMs: 250\n';
    expect(diffLines(before, after)).toEqual([
      { kind: 'same', text: 'server:' },
      { kind: 'same', text: '  port: 8080' },
      { kind: 'same', text: 'payments:' },
      { kind: 'removed', text: '  timeoutMs: 2500' },
      { kind: 'added', text: '  timeoutMs: 250' },
      { kind: 'same', text: '' },
    ]);
    expect(diffLines('', 'a')).toEqual([{ kind: 'removed', text: '' }, { kind: 'added', text: 'a' }]);
  });
});
