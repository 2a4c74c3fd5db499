/**
 * Where a node-pressure eviction's figures are written on its event, by the resource the
 * kubelet reclaimed (`annotations.eviction.resource`): the transformer that reads the kubelet's
 * message writes them, the correlation that looks for the consumer reads them. One table, so
 * the two cannot drift. The kubelet gives figures for these two resources only.
 */
const FIGURE_PREFIX: Readonly<Record<string, string>> = { memory: 'memory', 'ephemeral-storage': 'storage' };

/** The annotation of a pod's use of `resource` in its eviction (bytes), or undefined when the kubelet gives none. */
export function evictionUsageKey(resource: string): string | undefined {
  const prefix = FIGURE_PREFIX[resource];
  return prefix === undefined ? undefined : `${prefix}.usage_bytes`;
}

/** The annotation of the pod's request of `resource` beside it. */
export function evictionRequestKey(resource: string): string | undefined {
  const prefix = FIGURE_PREFIX[resource];
  return prefix === undefined ? undefined : `${prefix}.request_bytes`;
}
