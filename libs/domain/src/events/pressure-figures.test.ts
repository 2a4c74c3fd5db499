import { describe, expect, it } from 'vitest';
import { evictionRequestKey, evictionUsageKey } from './pressure-figures.js';

describe('eviction figure annotations', () => {
  it('names one key per resource the kubelet gives figures for, and none for the others', () => {
    expect([evictionUsageKey('memory'), evictionRequestKey('memory')]).toEqual(['memory.usage_bytes', 'memory.request_bytes']);
    expect([evictionUsageKey('ephemeral-storage'), evictionRequestKey('ephemeral-storage')]).toEqual(['storage.usage_bytes', 'storage.request_bytes']);
    expect(evictionUsageKey('pids')).toBeUndefined();
  });
});
