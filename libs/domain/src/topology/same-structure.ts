import type { ResourceNode } from '@tapio/plugin-api';

/**
 * Facts that report how an object is doing, not what it is or what it is wired to: a pod's
 * readiness and container states, a workload's ready count, a Node's conditions. They move on
 * nearly every version (a third of a busy cluster's events are pod status updates), and no
 * answer kept by `TopologyIndex.changedSince` readers (owner chains, a pod's node, the
 * ConfigMaps / Secrets / claims it uses, an incident root's pods) is derived from them.
 * Every field not listed here counts as structure, so a fact added to K8sObjectFacts later
 * invalidates those answers until it is listed.
 */
const STATUS_FIELDS: ReadonlySet<string> = new Set(['resourceVersion', 'phase', 'ready', 'containers', 'readyReplicas', 'readyEndpoints', 'notReadyEndpoints', 'conditions']);

/** Whether two JSON-like values are equal, object keys in the same order. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let index = 0; index < a.length; index += 1) if (!same(a[index], b[index])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  return sameFields(a as Record<string, unknown>, b as Record<string, unknown>, undefined);
}

/** `same` for two objects, leaving out the keys in `skip` (on both sides: present on one only is no difference). */
function sameFields(a: Record<string, unknown>, b: Record<string, unknown>, skip: ReadonlySet<string> | undefined): boolean {
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  let indexB = 0;
  for (const key of keysA) {
    if (skip?.has(key)) continue;
    while (indexB < keysB.length && skip?.has(keysB[indexB] as string)) indexB += 1;
    if (keysB[indexB] !== key || !same(a[key], b[key])) return false;
    indexB += 1;
  }
  while (indexB < keysB.length && skip?.has(keysB[indexB] as string)) indexB += 1;
  return indexB === keysB.length;
}

/**
 * Whether `next`, a new version of `previous`, differs from it in status facts only (or not at
 * all): same reference, both live, and every other fact equal. Then nothing derived from the
 * node's structure has to be derived again; its edges are compared on their own (`sameEdgeSet`).
 */
export function sameStructure(previous: ResourceNode | undefined, next: ResourceNode): boolean {
  if (previous === undefined || previous.deleted || next.deleted) return false;
  if (previous.key !== next.key || !same(previous.ref, next.ref)) return false;
  if (previous.facts === next.facts) return true;
  if (previous.facts === undefined || next.facts === undefined) return false;
  return sameFields(previous.facts, next.facts, STATUS_FIELDS);
}
