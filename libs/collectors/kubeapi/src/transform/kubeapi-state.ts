import type { DurableTransformerState } from '@tapio/domain';
import type { Remembered } from './change-classifier.js';
import type { IngressBackends } from './ingress-backends.js';
import type { PlannedNodes, PlannedNodeState } from './lifecycle-signals.js';
import type { ServiceEndpoints } from './service-endpoints.js';
import type { TerminatingNamespaces } from './terminating-namespaces.js';
import type { AdmissionPolicies } from './admission-policies.js';
import type { Version, VersionMemory } from './version-memory.js';

/** A Kubernetes Event object's last signalled count and time. */
export interface Folded {
  count: number;
  at: number;
}

/**
 * The kubeapi transformer's state as durable entries: `o|` each object's last versions,
 * `e|` each Kubernetes Event's folds, `s|` each Service's endpoint availability, `p|` each
 * node under planned maintenance (or just out of it), `i|` the Ingress route index
 * (ingress-backends.ts), `n|` each namespace being deleted. A RawEvent
 * delivered again after a crash is diffed against the version before its own (see
 * VersionMemory), so it derives the same events.
 */
export function kubeapiState(objects: VersionMemory<Remembered>, folded: VersionMemory<Folded>, endpoints: ServiceEndpoints, planned: PlannedNodes, ingresses: IngressBackends, namespaces: TerminatingNamespaces, admission: AdmissionPolicies): DurableTransformerState {
  return {
    scope: 'kubeapi',
    restore: (entries) => {
      objects.trackChanges();
      folded.trackChanges();
      endpoints.restore('', undefined);
      planned.restore('', undefined);
      ingresses.restore('', undefined);
      namespaces.restore('', undefined);
      admission.restore('', undefined);
      for (const [key, value] of entries) {
        if (key.startsWith('o|')) objects.restore(key.slice(2), value as Version<Remembered>[]);
        else if (key.startsWith('e|')) folded.restore(key.slice(2), value as Version<Folded>[]);
        else if (key.startsWith('s|')) endpoints.restore(key.slice(2), value as Parameters<ServiceEndpoints['restore']>[1]);
        else if (key.startsWith('p|')) planned.restore(key.slice(2), value as PlannedNodeState);
        else if (key.startsWith('i|')) ingresses.restore(key.slice(2), value);
        else if (key.startsWith('n|')) namespaces.restore(key.slice(2), value);
        else if (key.startsWith('a|')) admission.restore(key.slice(2), value);
      }
    },
    changes: () => [
      ...objects.changes().map(([key, versions]) => [`o|${key}`, versions] as const),
      ...folded.changes().map(([key, versions]) => [`e|${key}`, versions] as const),
      ...endpoints.changes().map(([key, state]) => [`s|${key}`, state] as const),
      ...planned.changes().map(([key, state]) => [`p|${key}`, state] as const),
      ...ingresses.changes().map(([key, state]) => [`i|${key}`, state] as const),
      ...namespaces.changes().map(([key, state]) => [`n|${key}`, state] as const),
      ...admission.changes().map(([key, state]) => [`a|${key}`, state] as const),
    ],
  };
}
