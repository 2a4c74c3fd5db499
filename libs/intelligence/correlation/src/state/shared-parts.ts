import type { UnifiedEvent } from '@tapio/domain';

/** Whether two JSON-like values are equal and serialise to the same text (object keys in the same order). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let index = 0; index < a.length; index += 1) if (!sameJson(a[index], b[index])) return false;
    return true;
  }
  if (Array.isArray(b) || Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  for (let index = 0; index < keysA.length; index += 1) {
    const key = keysA[index] as string;
    if (key !== keysB[index] || !sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** The parts of an entity's events that repeat from event to event. */
interface Parts {
  entity: UnifiedEvent['entity'];
  k8sContext: UnifiedEvent['k8sContext'];
  object: NonNullable<UnifiedEvent['kubernetes']>['object'];
}

/**
 * Events of one entity repeat the same entity reference, Kubernetes context (labels included)
 * and, on status updates, the same object facts: a pod's tenth update carries facts equal to its
 * ninth. Each window event would hold its own copy; this keeps the last copy seen per entity and
 * points a new event's part at it when the two are equal value for value and key for key (so
 * every reader, and every serialisation, sees the same). Parts are never changed in place once
 * an event is indexed (nothing in the engine writes to an event), so sharing them is safe.
 */
export class SharedParts {
  private readonly byKey = new Map<string, Parts>();

  /** Points `event`'s repeated parts at the copies kept for `key`, or keeps its own as the copies for the next event. */
  share(key: string, event: UnifiedEvent): void {
    if (Object.isFrozen(event)) return;
    const kept = this.byKey.get(key);
    const object = event.kubernetes?.object;
    if (!kept) {
      this.byKey.set(key, { entity: event.entity, k8sContext: event.k8sContext, object });
      return;
    }
    if (event.entity !== undefined) {
      if (event.entity !== kept.entity && sameJson(event.entity, kept.entity)) event.entity = kept.entity;
      else kept.entity = event.entity;
    }
    if (event.k8sContext !== undefined) {
      if (event.k8sContext !== kept.k8sContext && sameJson(event.k8sContext, kept.k8sContext)) event.k8sContext = kept.k8sContext;
      else kept.k8sContext = event.k8sContext;
    }
    if (object !== undefined && event.kubernetes && !Object.isFrozen(event.kubernetes)) {
      if (object !== kept.object && sameJson(object, kept.object)) event.kubernetes.object = kept.object;
      else kept.object = object;
    }
  }

  /** Forgets the copies of entities that no longer have an event in the window. */
  trim(live: (key: string) => boolean): void {
    for (const key of this.byKey.keys()) if (!live(key)) this.byKey.delete(key);
  }

  get size(): number {
    return this.byKey.size;
  }
}
