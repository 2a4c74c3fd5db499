import { describe, expect, it } from 'vitest';
import { DRAFT_LAYERS, makeUnifiedEvent, type UnifiedEventDraft } from './make-unified-event.js';
import type { RawEvent } from './raw-event.js';
import { UnifiedEvent } from './unified-event.js';

const raw: RawEvent = { timestamp: '2026-03-02T10:00:00Z', type: 'MODIFIED', source: 'kubeapi', data: {}, metadata: {} };
const context = { eventId: (_raw: RawEvent, discriminator: string) => `evt-${discriminator}`, processedAt: '2026-03-02T10:00:01Z' };

describe('makeUnifiedEvent', () => {
  it('copies every layer a draft carries, in DRAFT_LAYERS order, after the fields it sets itself', () => {
    const draft: Record<string, unknown> = { message: 'Pod a/b updated' };
    for (const layer of DRAFT_LAYERS) draft[layer] = { layer };
    const event = makeUnifiedEvent(raw, context, 'resource_updated', 'lifecycle', draft as Omit<UnifiedEventDraft, 'type'>);
    const keys = Object.keys(event);
    expect(keys.slice(keys.length - DRAFT_LAYERS.length)).toEqual([...DRAFT_LAYERS]);
    for (const layer of DRAFT_LAYERS) expect((event as Record<string, unknown>)[layer]).toBe(draft[layer]);
  });

  it('names every optional layer of a UnifiedEvent among DRAFT_LAYERS (a new layer must be copied too)', () => {
    const own = new Set(['id', 'type', 'timestamp', 'source', 'severity', 'message', 'semantic', 'processedAt', 'traceContext']);
    const layers = Object.keys(UnifiedEvent.shape).filter((key) => !own.has(key));
    expect(layers.sort()).toEqual([...DRAFT_LAYERS].sort());
  });

  it('leaves out layers the draft does not carry', () => {
    const event = makeUnifiedEvent(raw, context, 'resource_updated', 'lifecycle', { message: 'm', annotations: { a: '1' } });
    expect(Object.keys(event)).toEqual(['id', 'type', 'timestamp', 'source', 'severity', 'message', 'semantic', 'processedAt', 'annotations']);
  });
});
