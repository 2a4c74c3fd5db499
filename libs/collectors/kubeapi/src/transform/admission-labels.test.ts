import { describe, expect, it } from 'vitest';
import { AdmissionLabels } from './admission-labels.js';

const ns = (name: string, enforce?: string) => ({ kind: 'Namespace', name, ...(enforce ? { labels: { 'pod-security.kubernetes.io/enforce': enforce } } : {}) });

describe('AdmissionLabels', () => {
  it('a level found already set is no change; a level that moves while watched is, at its time', () => {
    const labels = new AdmissionLabels();
    labels.observe('c', ns('shop', 'baseline'), false, 1_000);
    expect(labels.changedBetween('c', 'shop', 0, 10_000)).toBe(false);
    labels.observe('c', ns('shop', 'baseline'), false, 2_000);
    expect(labels.changedBetween('c', 'shop', 0, 10_000)).toBe(false);
    labels.observe('c', ns('shop', 'restricted'), false, 3_000);
    expect(labels.changedBetween('c', 'shop', 2_500, 10_000)).toBe(true);
    expect(labels.changedBetween('c', 'shop', 3_500, 10_000)).toBe(false);
    expect(labels.changedBetween('other', 'shop', 0, 10_000)).toBe(false);
    expect(labels.changedBetween('c', undefined, 0, 10_000)).toBe(false);
    // Dropping the label is a change too (pods refused before may now be admitted).
    labels.observe('c', ns('shop'), false, 4_000);
    expect(labels.changedBetween('c', 'shop', 3_500, 10_000)).toBe(true);
    labels.observe('c', ns('shop'), true);
    expect(labels.changedBetween('c', 'shop', 0, 10_000)).toBe(false);
  });

  it('keeps its changes for a durable store once restored, and reads them back', () => {
    const labels = new AdmissionLabels();
    labels.restore('', undefined);
    labels.observe('c', ns('shop'), false, 1_000);
    labels.observe('c', ns('shop', 'restricted'), false, 2_000);
    const changes = labels.changes();
    expect(changes).toEqual([['c|shop', { enforce: 'restricted', changedAt: 2_000 }]]);
    expect(labels.changes()).toEqual([]);

    const restarted = new AdmissionLabels();
    for (const [key, state] of changes) restarted.restore(key, state);
    restarted.restore('c|bogus', 'restricted');
    expect(restarted.changedBetween('c', 'shop', 1_500, 3_000)).toBe(true);
    restarted.observe('c', ns('shop', 'restricted'), true);
    expect(restarted.changes()).toEqual([['c|shop', undefined]]);
  });
});
