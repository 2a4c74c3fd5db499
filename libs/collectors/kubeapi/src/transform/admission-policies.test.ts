import { describe, expect, it } from 'vitest';
import { AdmissionPolicies } from './admission-policies.js';

const ns = (name: string, enforce?: string) => ({ kind: 'Namespace', name, ...(enforce ? { labels: { 'pod-security.kubernetes.io/enforce': enforce } } : {}) });
const priorityClass = (name: string) => ({ kind: 'PriorityClass', name });

describe('AdmissionPolicies', () => {
  it('a level found already set is no change; a level that moves while watched is, at its time', () => {
    const policies = new AdmissionPolicies();
    policies.observe('c', ns('shop', 'baseline'), false, 1_000);
    expect(policies.changedBetween('c', 'shop', 0, 10_000)).toBe(false);
    policies.observe('c', ns('shop', 'baseline'), false, 2_000);
    expect(policies.changedBetween('c', 'shop', 0, 10_000)).toBe(false);
    policies.observe('c', ns('shop', 'restricted'), false, 3_000);
    expect(policies.changedBetween('c', 'shop', 2_500, 10_000)).toBe(true);
    expect(policies.changedBetween('c', 'shop', 3_500, 10_000)).toBe(false);
    expect(policies.changedBetween('other', 'shop', 0, 10_000)).toBe(false);
    expect(policies.changedBetween('c', undefined, 0, 10_000)).toBe(false);
    // Dropping the label is a change too (pods refused before may now be admitted).
    policies.observe('c', ns('shop'), false, 4_000);
    expect(policies.changedBetween('c', 'shop', 3_500, 10_000)).toBe(true);
    policies.observe('c', ns('shop'), true);
    expect(policies.changedBetween('c', 'shop', 0, 10_000)).toBe(false);
  });

  it('knows a PriorityClass deleted while watched until it is created again; other kinds are not its business', () => {
    const policies = new AdmissionPolicies();
    policies.observe('c', priorityClass('batch-high'), false, 1_000);
    expect(policies.deletedBetween('c', 'batch-high', 0, 10_000)).toBe(false);
    policies.observe('c', priorityClass('batch-high'), true, 2_000);
    expect(policies.deletedBetween('c', 'batch-high', 1_500, 10_000)).toBe(true);
    expect(policies.deletedBetween('c', 'batch-high', 2_500, 10_000)).toBe(false);
    expect(policies.deletedBetween('c', 'other', 0, 10_000)).toBe(false);
    policies.observe('c', priorityClass('batch-high'), false, 3_000);
    expect(policies.deletedBetween('c', 'batch-high', 0, 10_000)).toBe(false);
    policies.observe('c', { kind: 'ConfigMap', name: 'batch-high', namespace: 'shop' }, true, 4_000);
    expect(policies.deletedBetween('c', 'batch-high', 0, 10_000)).toBe(false);
  });

  it('keeps its changes for a durable store once restored, and reads them back', () => {
    const policies = new AdmissionPolicies();
    policies.restore('', undefined);
    policies.observe('c', ns('shop'), false, 1_000);
    policies.observe('c', ns('shop', 'restricted'), false, 2_000);
    policies.observe('c', priorityClass('batch-high'), true, 2_500);
    const changes = policies.changes();
    expect(changes).toEqual([
      ['c|Namespace|shop', { enforce: 'restricted', changedAt: 2_000 }],
      ['c|PriorityClass|batch-high', { deletedAt: 2_500 }],
    ]);
    expect(policies.changes()).toEqual([]);

    const restarted = new AdmissionPolicies();
    for (const [key, state] of changes) restarted.restore(key, state);
    restarted.restore('c|Namespace|bogus', 'restricted');
    expect(restarted.changedBetween('c', 'shop', 1_500, 3_000)).toBe(true);
    expect(restarted.deletedBetween('c', 'batch-high', 2_000, 3_000)).toBe(true);
    restarted.observe('c', ns('shop', 'restricted'), true);
    expect(restarted.changes()).toEqual([['c|Namespace|shop', undefined]]);
  });
});
