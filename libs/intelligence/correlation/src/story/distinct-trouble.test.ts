import { describe, expect, it } from 'vitest';
import type { IndexedEvent, UnifiedEvent } from '@tapio/domain';
import { distinctOccurrences } from './distinct-trouble.js';

function kill(id: string, pod: string, second: number, kubernetes: UnifiedEvent['kubernetes']): IndexedEvent {
  return { at: Date.parse('2026-03-04T14:25:00Z') + second * 1000, entityKey: `default/Pod/shop/${pod}`, event: { id, type: 'oom_killed', kubernetes } as UnifiedEvent } as IndexedEvent;
}

describe('distinctOccurrences', () => {
  it('counts one kill seen in the pod status, the kubelet Event and containerd once', () => {
    const events = [
      kill('status', 'a', 2, { container: 'app', restartCount: 1 }),
      kill('kubelet', 'a', 3, {}),
      kill('containerd', 'a', 1, { container: 'app' }),
      kill('status-late', 'a', 300, { container: 'app', restartCount: 1 }),
    ];
    expect(distinctOccurrences(events).map((event) => event.event.id)).toEqual(['containerd']);
  });

  it('keeps kills of other restarts, other containers and other pods apart', () => {
    const events = [
      kill('a1', 'a', 0, { container: 'app', restartCount: 1 }),
      kill('a2', 'a', 20, { container: 'app', restartCount: 2 }),
      kill('a-sidecar', 'a', 0, { container: 'sidecar', restartCount: 1 }),
      kill('b1', 'b', 0, { container: 'app', restartCount: 1 }),
      kill('a-later', 'a', 600, {}),
    ];
    expect(distinctOccurrences(events).map((event) => event.event.id)).toEqual(['a-sidecar', 'a1', 'b1', 'a2', 'a-later']);
  });
});
