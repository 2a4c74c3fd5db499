import type { KubeObject } from '../informers/kube-object.js';

/**
 * Namespace include / exclude, applied to namespaced objects by their namespace and to
 * Namespace objects by their name; other cluster-scoped objects (Nodes, PVs) always pass.
 */
export function namespaceFilter(include: readonly string[] | undefined, exclude: readonly string[]): (object: KubeObject) => boolean {
  const included = include === undefined ? undefined : new Set(include);
  const excluded = new Set(exclude);
  return (object) => {
    const namespace = object.kind === 'Namespace' ? object.metadata?.name : object.metadata?.namespace;
    if (namespace === undefined || namespace === '') return true;
    if (excluded.has(namespace)) return false;
    return included === undefined || included.has(namespace);
  };
}
