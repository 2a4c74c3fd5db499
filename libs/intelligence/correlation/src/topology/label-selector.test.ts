import { describe, expect, it } from 'vitest';
import { isEmptySelector, matchesSelector, matchesServiceSelector } from './label-selector.js';

describe('label selectors', () => {
  it('a Service selector selects pods carrying every pair; an empty or missing one selects nothing', () => {
    const labels = { app: 'web', tier: 'front', 'pod-template-hash': '7c9f' };
    expect(matchesServiceSelector(labels, { app: 'web' })).toBe(true);
    expect(matchesServiceSelector(labels, { app: 'web', tier: 'front' })).toBe(true);
    expect(matchesServiceSelector(labels, { app: 'web', tier: 'back' })).toBe(false);
    expect(matchesServiceSelector(labels, { version: 'v1' })).toBe(false);
    expect(matchesServiceSelector(labels, {})).toBe(false);
    expect(matchesServiceSelector(labels, undefined)).toBe(false);
    expect(matchesServiceSelector(undefined, { app: 'web' })).toBe(false);
    // Only the selector's own pairs count (not what an object inherits).
    expect(matchesServiceSelector(labels, Object.create({ app: 'web' }) as Record<string, string>)).toBe(false);
  });

  it('a label selector needs every matchLabels pair and every expression; an empty one selects every pod', () => {
    const labels = { app: 'web', tier: 'front' };
    expect(matchesSelector(labels, {})).toBe(true);
    expect(isEmptySelector({})).toBe(true);
    expect(matchesSelector(labels, { matchLabels: { app: 'web' } })).toBe(true);
    expect(matchesSelector(labels, { matchLabels: { app: 'api' } })).toBe(false);
    expect(matchesSelector(labels, { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }] })).toBe(true);
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] })).toBe(false);
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'zone', operator: 'Exists' }] })).toBe(false);
    expect(matchesSelector(labels, { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] })).toBe(true);
    expect(matchesSelector(undefined, { matchLabels: { app: 'web' } })).toBe(false);
  });
});
