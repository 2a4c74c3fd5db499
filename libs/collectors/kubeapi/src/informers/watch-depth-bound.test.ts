import { describe, expect, it } from 'vitest';
import { DEFAULT_INPUT_LIMITS, InputLimits, knownDepthBound, MAX_DEPTH_LIMIT, nestsDeeperThan, rawEventLimitViolation } from '@tapio/domain';
import { rawKubeEvent } from '../collector/raw-kube-event.js';
import { sanitizeObject } from './sanitize-object.js';
import { parseWatchEvent } from './watch-message.js';
import { WATCHED_RESOURCES, type WatchedResource } from './watched-resources.js';

const resource = (kind: string) => WATCHED_RESOURCES.find((candidate) => candidate.kind === kind) as WatchedResource;

/** The real nesting of a value (itself 1), by a full walk. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child));
  return deepest + 1;
}

/** A pod whose annotations-free spec nests `levels` objects deep under `spec.deep`. */
function podLine(levels: number, type = 'MODIFIED'): string {
  let deep: unknown = 'bottom';
  for (let level = 0; level < levels; level += 1) deep = { next: deep };
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'shop', uid: 'u1', resourceVersion: '7', managedFields: [{ manager: 'kubelet', fieldsV1: { 'f:status': { 'f:conditions': {} } } }], labels: { app: 'web', note: 'a { or [ inside a string only loosens the bound' } },
    spec: { containers: [{ name: 'app', image: 'app:1' }], deep },
    status: { phase: 'Running' },
  };
  return JSON.stringify({ type, object: pod });
}

describe('the depth bound of a watch event, from its line to the pipeline', () => {
  it('is noted at each step and never below the real nesting', () => {
    const line = podLine(5);
    const event = parseWatchEvent('watch pods', line);
    const fromLine = knownDepthBound(event.object);
    expect(fromLine).toBeDefined();
    expect(fromLine).toBeGreaterThanOrEqual(depthOf(event.object));
    const sanitized = sanitizeObject(event.object, resource('Pod'));
    expect(sanitized.metadata?.managedFields).toBeUndefined();
    expect(knownDepthBound(sanitized)).toBe(fromLine);
    const raw = rawKubeEvent('MODIFIED', sanitized, 'prod', Date.parse('2026-03-02T10:00:00Z'));
    expect(knownDepthBound(raw.data as object)).toBe((fromLine as number) + 1);
    expect(knownDepthBound(raw.data as object)).toBeGreaterThanOrEqual(depthOf(raw.data));
    expect(rawEventLimitViolation(raw, DEFAULT_INPUT_LIMITS, Date.parse('2026-03-02T10:00:00Z'))).toBeUndefined();
  });

  it('leaves an event nesting deeper than the limit to the walk, which refuses it', () => {
    const limits = InputLimits.parse({ maxDepth: 20 });
    const raw = rawKubeEvent('MODIFIED', sanitizeObject(parseWatchEvent('watch pods', podLine(30)).object, resource('Pod')), 'prod', Date.parse('2026-03-02T10:00:00Z'));
    expect(knownDepthBound(raw.data as object)).toBeGreaterThan(20);
    expect(rawEventLimitViolation(raw, limits, Date.parse('2026-03-02T10:00:00Z'))).toMatch(/nests deeper than the limit of 20 levels/);
    // Shallow enough for the same limit: the bound alone lets it through.
    const shallow = rawKubeEvent('MODIFIED', sanitizeObject(parseWatchEvent('watch pods', podLine(3)).object, resource('Pod')), 'prod', Date.parse('2026-03-02T10:00:00Z'));
    expect(rawEventLimitViolation(shallow, limits, Date.parse('2026-03-02T10:00:00Z'))).toBeUndefined();
  });

  it('notes nothing when the count passes the largest limit, so the object is walked', () => {
    const event = parseWatchEvent('watch pods', podLine(MAX_DEPTH_LIMIT + 5));
    expect(knownDepthBound(event.object)).toBeUndefined();
    expect(nestsDeeperThan(event.object, MAX_DEPTH_LIMIT)).toBe(true);
  });

  it('is not carried onto a Secret (its redaction builds a new object)', () => {
    const line = JSON.stringify({ type: 'ADDED', object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop', uid: 's1', resourceVersion: '3' }, data: { password: 'c2VjcmV0' } } });
    const event = parseWatchEvent('watch secrets', line);
    expect(knownDepthBound(event.object)).toBeDefined();
    expect(knownDepthBound(sanitizeObject(event.object, resource('Secret')))).toBeUndefined();
  });
});
