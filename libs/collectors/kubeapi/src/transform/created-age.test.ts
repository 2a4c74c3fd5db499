import { describe, expect, it } from 'vitest';
import { CREATED_AGE_SECONDS, createdAge } from './created-age.js';

describe('createdAge', () => {
  it('says how many whole seconds old the object was when first seen', () => {
    expect(createdAge('2026-12-06T11:00:00Z', '2026-12-06T11:00:07.900Z')).toEqual({ [CREATED_AGE_SECONDS]: '7' });
    expect(createdAge('2026-12-01T11:00:00Z', '2026-12-06T11:00:00Z')).toEqual({ [CREATED_AGE_SECONDS]: '432000' });
  });

  it('takes a creation stamped after the event (clock skew) as new, and says nothing without readable times', () => {
    expect(createdAge('2026-12-06T11:00:05Z', '2026-12-06T11:00:00Z')).toEqual({ [CREATED_AGE_SECONDS]: '0' });
    expect(createdAge(undefined, '2026-12-06T11:00:00Z')).toBeUndefined();
    expect(createdAge('soon', '2026-12-06T11:00:00Z')).toBeUndefined();
  });
});
