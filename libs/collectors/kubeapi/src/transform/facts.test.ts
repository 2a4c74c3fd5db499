import { describe, expect, it } from 'vitest';
import { factsOf } from './facts.js';

describe('factsOf: a container’s limits', () => {
  it('keeps the memory and ephemeral-storage limits that bound what a container can take from its node, and nothing for an unbounded one', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'logger-1', namespace: 'logs', uid: 'pod-1', resourceVersion: '7' },
      spec: {
        nodeName: 'node-1',
        containers: [
          { name: 'bounded', image: 'logger:1', resources: { limits: { memory: '256Mi', 'ephemeral-storage': '2Gi' } } },
          { name: 'unbounded', image: 'logger:1', resources: { requests: { 'ephemeral-storage': '1Gi' } } },
        ],
      },
      status: { phase: 'Running' },
    };
    const [bounded, unbounded] = factsOf(pod).containers ?? [];
    expect(bounded).toMatchObject({ name: 'bounded', memoryLimitBytes: 256 * 2 ** 20, storageLimitBytes: 2 * 2 ** 30 });
    expect(unbounded?.name).toBe('unbounded');
    expect(unbounded?.memoryLimitBytes).toBeUndefined();
    expect(unbounded?.storageLimitBytes).toBeUndefined();
  });
});
