import { entityKey, entityKeyKind, parseEntityKey, type Correlation, type CorrelationState, type EventType, type IndexedEvent } from '@tapio/domain';
import { MINUTE } from '../event-classes.js';
import { latestOf } from '../../state/state-walks.js';

/** A StorageClass's change as the transformer tells it (its provisioner, parameters, binding mode, whether it is the default). */
const CLASS_CHANGES: ReadonlySet<EventType> = new Set<EventType>(['resource_updated', 'resource_created']);
/** The class a provisioning failure names: `failed to provision volume with StorageClass "fast"`. */
const NAMED_CLASS = /with StorageClass "([^"]+)"/;
const CLASS_WINDOW_MS = 60 * MINUTE;

/**
 * A claim that cannot be provisioned (`ProvisioningFailed ... with StorageClass "X"`) was
 * CAUSED by X's change within the hour before (a default moved to it, its parameters edited, a
 * class created for it): claims that name no class take the default's, so moving the default
 * breaks the next claim of a StatefulSet that never changed.
 */
export function storageClassCause(indexed: IndexedEvent, state: CorrelationState, correlator: string): Correlation[] {
  const { event, at, entityKey: claim } = indexed;
  if (!claim || entityKeyKind(claim) !== 'PersistentVolumeClaim') return [];
  const name = NAMED_CLASS.exec(event.message)?.[1];
  if (!name) return [];
  const cluster = parseEntityKey(claim)?.cluster;
  const key = entityKey({ kind: 'StorageClass', name, ...(cluster ? { cluster } : {}) });
  const change = latestOf(state, 'entity', key, at - CLASS_WINDOW_MS, CLASS_CHANGES, (item) => item.at <= at && (item.event.type === 'resource_updated' ? (item.event.kubernetes?.changes?.length ?? 0) > 0 : isNew(item)));
  if (!change) return [];
  return [{ kind: 'CAUSED', fromEventId: change.event.id, toEventId: event.id, confidence: 0.75, reason: `StorageClass ${name}, which provisions the claim, changed ${Math.round((at - change.at) / MINUTE)}m earlier`, correlator }];
}

/** A class created while watched (not listed with the starting state, which is no change). */
function isNew(item: IndexedEvent): boolean {
  const noted = Number(item.event.annotations?.['created.age_seconds']);
  const created = Date.parse(item.event.kubernetes?.object?.creationTimestamp ?? '');
  const age = Number.isFinite(noted) ? noted : (item.at - created) / 1000;
  return Number.isFinite(age) && age <= 600;
}
