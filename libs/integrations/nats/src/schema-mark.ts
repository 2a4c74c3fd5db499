import { createHash } from 'node:crypto';
import { Insight, RawEvent, UnifiedEvent, type BusTopic } from '@tapio/domain';
import { z } from 'zod';

/**
 * The header a Tapio publisher puts on every message it sends: the topic's schema mark.
 * Tapio's stages build their events in typed code and check them where outside data comes
 * in (a collector's input, the pipeline's RawEvent and transformer output), so a consumer
 * of the same schema takes a marked message as checked instead of running zod on every
 * event again. A message without the mark (a foreign publisher), or with another one (a
 * Tapio of another schema during a rolling upgrade), is validated as before.
 */
export const SCHEMA_HEADER = 'Tapio-Schema';

export const TOPIC_SCHEMAS = { raw: RawEvent, unified: UnifiedEvent, insights: Insight } as const;

const marks = new Map<BusTopic, string>();

/**
 * `<topic>-<digest>`: a digest of the topic schema's JSON Schema, so any change of a field,
 * type or enum gives another mark. Computed once per topic on first use (10-25 ms).
 */
export function schemaMark(topic: BusTopic): string {
  let mark = marks.get(topic);
  if (mark === undefined) {
    const schema = JSON.stringify(z.toJSONSchema(TOPIC_SCHEMAS[topic], { unrepresentable: 'any' }));
    mark = `${topic}-${createHash('sha256').update(schema).digest('base64url').slice(0, 22)}`;
    marks.set(topic, mark);
  }
  return mark;
}
