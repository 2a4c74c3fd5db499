import { describe, expect, it } from 'vitest';
import type { PatternCondition } from '@tapio/domain';
import { testsTypeOnly, typesOf } from './condition.js';

const condition = (field: string, operator: PatternCondition['operator'], value: unknown): PatternCondition => ({ type: 'event', field, operator, value }) as PatternCondition;

describe('testsTypeOnly: conditions an event of their types always passes', () => {
  it('is true for one type condition the type index reads (equals, in), in either vocabulary', () => {
    expect(testsTypeOnly([condition('type', 'equals', 'pod_restart')])).toBe(true);
    expect(testsTypeOnly([condition('type', 'in', ['crash_loop', 'OOMKilled'])])).toBe(true);
    expect(typesOf([condition('type', 'in', ['crash_loop', 'OOMKilled'])])).toEqual(new Set(['crash_loop', 'oom_killed']));
  });

  it('is false when anything else is tested, or the type is not pinned to a list', () => {
    expect(testsTypeOnly([])).toBe(false);
    expect(testsTypeOnly([condition('type', 'equals', 'oom_killed'), condition('entity.kind', 'not_equals', 'Node')])).toBe(false);
    expect(testsTypeOnly([condition('type', 'not_equals', 'pod_ready')])).toBe(false);
    expect(testsTypeOnly([condition('type', 'matches', '^pod_')])).toBe(false);
    expect(testsTypeOnly([condition('severity', 'equals', 'high')])).toBe(false);
  });
});
