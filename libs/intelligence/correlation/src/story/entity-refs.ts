import { parseEntityKey, type EntityRef } from '@tapio/domain';
import type { WorkingState } from '../state/working-state.js';

/** The entity an entity key names, as the topology knows it (without its uid), for a story or an insight. */
export function refOf(key: string, state: WorkingState): EntityRef {
  const node = state.resource(key);
  const ref = node?.ref ?? parseEntityKey(key) ?? { kind: 'Unknown', name: key };
  const { uid: _uid, ...rest } = ref;
  return rest;
}

/** An event time as insights show it: ISO 8601 in UTC, whole seconds without the milliseconds. */
export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
