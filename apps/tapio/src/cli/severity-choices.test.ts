import { SEVERITIES } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { SEVERITY_CHOICES } from './severity-choices.js';

describe('the --severity choices', () => {
  it('are the domain severities, in their order', () => {
    expect([...SEVERITY_CHOICES]).toEqual([...SEVERITIES]);
  });
});
