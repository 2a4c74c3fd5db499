import { entityKey, parseEntityKey, type IndexedEvent, type RootCauseResource } from '@tapio/domain';
import type { WorkingState } from '../state/working-state.js';
import { namedCause, topConsumer } from './named-cause.js';

/**
 * The resource a pattern's `rootCauseResource` blames instead of the entity `key` that
 * reported the trouble, or undefined when the topology does not know it (the incident then
 * stays on the entity itself, which is still true, only less precise).
 */
export function rootCauseResourceOf(state: WorkingState, key: string, resource: RootCauseResource, message: string, root?: IndexedEvent): string | undefined {
  const ref = parseEntityKey(key);
  if (!ref) return undefined;
  if (resource === 'named_cause') return root ? namedCause(state, root) : undefined;
  if (resource === 'top_consumer') return root ? topConsumer(state, root) : undefined;
  if (resource === 'node') {
    if (ref.kind === 'Node') return key;
    const node = state.neighbours(key, 'RUNS_ON', 'out')[0];
    if (node) return node;
    const name = state.nodeNameOf(key);
    return name ? entityKey({ kind: 'Node', name, cluster: ref.cluster }) : undefined;
  }
  const claims = state.neighbours(key, 'CLAIMS', 'out');
  if (claims.length <= 1) return claims[0];
  // A pod with several claims: the one the event names, by its own name or its volume's
  // ("Multi-Attach error for volume "pvc-1f2e"" names the PersistentVolume).
  return claims.find((claim) => {
    const names = [claim, ...state.neighbours(claim, 'BOUND_TO', 'out')].map((related) => parseEntityKey(related)?.name ?? '');
    return names.some((name) => name !== '' && message.includes(`"${name}"`));
  });
}
