import { describe, expect, it } from 'vitest';
import { behaviorPattern } from '../../test/support/units.js';
import { PatternIndex } from './pattern-index.js';

const restarts = behaviorPattern('restarts', { priority: 40 });
const crashes = behaviorPattern('crashes', { priority: 90, conditions: [{ field: 'type', operator: 'in', value: ['crash_loop', 'pod_restart'] }] });
const anything = behaviorPattern('anything', { priority: 99, conditions: [{ field: 'severity', operator: 'equals', value: 'critical' }] });
const disabled = behaviorPattern('disabled', { enabled: false });
const cascade = behaviorPattern('cascade', {
  priority: 70,
  sequence: [
    { id: 'change', conditions: [{ field: 'type', operator: 'equals', value: 'config_changed' }] },
    { id: 'failure', conditions: [{ field: 'type', operator: 'equals', value: 'oom_killed' }] },
  ],
});

describe('PatternIndex', () => {
  it('offers an event only the patterns its type can trigger, by priority, then those that pin no type', () => {
    const index = new PatternIndex();
    index.replace([restarts, crashes, anything, cascade]);
    expect(index.candidates('pod_restart').map((pattern) => pattern.name)).toEqual(['crashes', 'restarts', 'anything']);
    expect(index.candidates('crash_loop').map((pattern) => pattern.name)).toEqual(['crashes', 'anything']);
    expect(index.candidates('service_unavailable').map((pattern) => pattern.name)).toEqual(['anything']);
  });

  it('indexes a sequence by its last step, not its first', () => {
    const index = new PatternIndex();
    index.replace([cascade]);
    expect(index.candidates('oom_killed').map((pattern) => pattern.name)).toEqual(['cascade']);
    expect(index.candidates('config_changed')).toEqual([]);
  });

  it('leaves disabled patterns out', () => {
    const index = new PatternIndex();
    index.replace([restarts, disabled]);
    expect(index.names()).toEqual(['restarts']);
    expect(index.find('disabled')).toBeUndefined();
    expect(index.candidates('pod_restart').map((pattern) => pattern.name)).toEqual(['restarts']);
  });

  it('a reload replaces the patterns and the trigger index; match counts survive it', () => {
    const index = new PatternIndex();
    index.replace([restarts, crashes]);
    index.countMatch('restarts');
    index.countMatch('restarts');
    index.replace([restarts]);
    expect(index.names()).toEqual(['restarts']);
    expect(index.candidates('crash_loop')).toEqual([]);
    expect(index.find('restarts')?.baseConfidence).toBe(0.8);
    expect(index.matches('restarts')).toBe(2);
    expect(index.matches('crashes')).toBe(0);
  });
});
