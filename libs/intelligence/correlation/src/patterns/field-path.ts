import type { UnifiedEvent } from '@tapio/domain';

/**
 * Reads a dotted path from an event: "type", "kubernetes.exitCode",
 * "k8sContext.namespace", "entity.kind". Metric names may themselves contain dots
 * ("metrics.memory.usage_percent" reads metrics["memory.usage_percent"]).
 */
export function readField(event: UnifiedEvent, path: string): unknown {
  if (path.startsWith('metrics.')) return event.metrics?.[path.slice('metrics.'.length)];
  if (path.startsWith('annotations.')) return event.annotations?.[path.slice('annotations.'.length)];
  if (path.startsWith('k8sContext.labels.')) return event.k8sContext?.labels?.[path.slice('k8sContext.labels.'.length)];
  let current: unknown = event;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Compiled accessor: avoids splitting the path for every event. */
export function compileField(path: string): (event: UnifiedEvent) => unknown {
  if (path === 'type') return (event) => event.type;
  if (path === 'severity') return (event) => event.severity;
  if (path === 'source') return (event) => event.source;
  if (path.startsWith('metrics.') || path.startsWith('annotations.') || path.startsWith('k8sContext.labels.')) return (event) => readField(event, path);
  const parts = path.split('.');
  return (event) => {
    let current: unknown = event;
    for (const part of parts) {
      if (current === null || typeof current !== 'object') return undefined;
      current = (current as Record<string, unknown>)[part];
    }
    return current;
  };
}
