import { redactSecretsInData, type RawEvent } from '@tapio/domain';
import { rawEventId } from './event-id.js';

/**
 * A collector's RawEvent as it goes onto the raw topic: any Secret value redacted (nothing
 * a collector sends carries one onto the bus) and its id, computed from the redacted event
 * so a replay and the live collector give the same id. The collector stage and the
 * transformer worker of `tapio analyze` both take events this way.
 */
export function rawForBus(raw: RawEvent): { event: RawEvent; id: string } {
  const data = redactSecretsInData(raw.data);
  const event = data === raw.data ? raw : { ...raw, data };
  return { event, id: rawEventId(event) };
}
