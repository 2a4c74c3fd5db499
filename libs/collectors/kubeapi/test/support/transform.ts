import type { RawEvent, UnifiedEvent } from '@tapio/domain';
import { KubeApiTransformer } from '../../src/index.js';

/** Runs RawEvents through the kubeapi transformer in order, as the pipeline would. */
export function unifiedEventsOf(raws: readonly RawEvent[], cluster: string): UnifiedEvent[] {
  const transformer = new KubeApiTransformer();
  return raws.flatMap((raw, index) =>
    transformer.transform(raw, { eventId: (_raw, discriminator) => `raw${index}#${discriminator}`, processedAt: '2026-03-02T12:00:00.000Z', cluster }),
  );
}
