import { entityKey as keyOf, parseEntityKey, type Correlation, type CorrelationState, type EventType, type IndexedEvent } from '@tapio/domain';
import { MINUTE } from '../event-classes.js';
import { lastTimeOf, latestOf } from '../../state/state-walks.js';

const UNAVAILABLE: ReadonlySet<EventType> = new Set<EventType>(['service_unavailable']);
const RESTORED: ReadonlySet<EventType> = new Set<EventType>(['service_restored']);

/**
 * A controller's pod refused because an admission webhook could not be called
 * (`annotations.webhook.service`: the Service the call went to, set by the transformer) was
 * CAUSED by that Service losing its endpoints within the 30 minutes before, when it has not
 * got them back since: the webhook's backend went away (scaled to zero, crashed, deleted),
 * and every pod its rules cover is refused from then on. The walk goes on from the Service's
 * loss to whatever took its endpoints.
 */
export function webhookServiceCause(indexed: IndexedEvent, state: CorrelationState, correlator: string): Correlation[] {
  const { event, at, entityKey } = indexed;
  const service = event.annotations?.['webhook.service'];
  if (!service || !entityKey) return [];
  const [namespace, name] = service.split('/');
  if (!namespace || !name) return [];
  const cluster = parseEntityKey(entityKey)?.cluster;
  const serviceKey = keyOf({ kind: 'Service', name, namespace, ...(cluster ? { cluster } : {}) });
  const since = at - 30 * MINUTE;
  const lost = latestOf(state, 'entity', serviceKey, since, UNAVAILABLE, (item) => item.at <= at);
  if (!lost || lastTimeOf(state, 'entity', serviceKey, since, RESTORED, at) > lost.at) return [];
  return [{ kind: 'CAUSED', fromEventId: lost.event.id, toEventId: event.id, confidence: 0.85, reason: `the webhook's Service ${service} lost its endpoints ${Math.round((at - lost.at) / 1000)}s earlier`, correlator }];
}
