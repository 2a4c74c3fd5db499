import type { IndexedEvent, UnifiedEvent } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { CascadeWatch, reverts } from './cascade-watch.js';

const root = { kind: 'ConfigMap', namespace: 'shop', name: 'checkout-config', cluster: 'test' };
const EDIT = [{ path: 'data.application.yaml', op: 'changed' as const, lines: [{ line: 12, before: 'timeout: 30s', after: 'timeout: 30' }] }];

function event(type: string, key: string, kubernetes: Record<string, unknown> = {}): IndexedEvent {
  const at = '2026-03-02T10:05:00Z';
  return { event: { id: `evt-${type}-${key}`, type, timestamp: at, kubernetes } as unknown as UnifiedEvent, at: Date.parse(at), entityKey: key } as IndexedEvent;
}

function watch() {
  return new CascadeWatch({ pending: ['test/Pod/shop/a', 'test/Pod/shop/b'], rootKey: 'test/ConfigMap/shop/checkout-config', root, change: EDIT, at: '2026-03-02T10:00:00Z' }, ['crash_loop', 'pod_restart']);
}

describe('CascadeWatch', () => {
  it('a restart after exit 0 is no failure; a restart after exit 1 is', () => {
    const cascade = watch();
    expect(cascade.observe(event('pod_restart', 'test/Pod/shop/a', { exitCode: 0 }))).toEqual({ kind: 'none' });
    expect(cascade.observe(event('pod_restart', 'test/Pod/shop/a', { exitCode: 1 }))).toEqual({ kind: 'progress' });
    expect(cascade.tally()).toEqual({ expected: 2, failed: 1, healthy: 0, gone: 0 });
  });

  it('a pod that became ready and later fails counts as failed; one deleted first is gone and not expected to fail', () => {
    const cascade = watch();
    cascade.observe(event('pod_ready', 'test/Pod/shop/a'));
    cascade.observe(event('crash_loop', 'test/Pod/shop/a'));
    expect(cascade.tally()).toMatchObject({ failed: 1, healthy: 0 });
    const step = cascade.observe(event('resource_deleted', 'test/Pod/shop/b'));
    // Every pod not gone failed: it came true.
    expect(step).toMatchObject({ kind: 'close', result: { status: 'came_true' } });
  });
});

describe('reverts', () => {
  it('the same lines the other way round undo an edit; added undoes removed; other lines or no lines do not', () => {
    expect(reverts([{ path: 'data.application.yaml', op: 'changed', lines: [{ line: 12, before: 'timeout: 30', after: 'timeout: 30s' }] }], EDIT)).toBe(true);
    expect(reverts([{ path: 'data.application.yaml', op: 'changed', lines: [{ line: 12, before: 'timeout: 30', after: 'timeout: 60s' }] }], EDIT)).toBe(false);
    expect(reverts([{ path: 'data.application.yaml', op: 'changed' }], EDIT)).toBe(false);
    expect(reverts([{ path: 'data.flags', op: 'removed' }], [{ path: 'data.flags', op: 'added' }])).toBe(true);
    expect(reverts([], EDIT)).toBe(false);
  });
});
