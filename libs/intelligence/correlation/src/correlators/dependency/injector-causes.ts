import { entityKey, entityKeyKind, parseEntityKey, type Correlation, type CorrelationState, type EventType, type IndexedEvent } from '@tapio/domain';
import { CONFIG_CHANGE_TYPES, MINUTE } from '../event-classes.js';

const RELEASES: ReadonlySet<EventType> = new Set<EventType>(['workload_spec_changed']);
/** How long before the failing pod was made an injector's change can be what it injected. */
const INJECTOR_WINDOW_MS = 6 * 60 * MINUTE;

/**
 * A container the pod's controller never asked for (`container.injected`, set by the
 * transformer: a mutating webhook added it at admission) that fails was CAUSED by what the
 * injector injected: the latest release of the workload behind one of the injectors' Services
 * (`container.injectors`), or a change of a ConfigMap its pods use (the injection template),
 * within the six hours before the failing pod was created. Pods made before that change got the
 * old injection, so only a change before the pod counts. The walk goes on from the change.
 */
export function injectorCause(indexed: IndexedEvent, state: CorrelationState, correlator: string): Correlation[] {
  const { event, at, entityKey: pod } = indexed;
  const services = event.annotations?.['container.injectors'];
  if (!pod || event.annotations?.['container.injected'] !== 'true' || !services) return [];
  const cluster = parseEntityKey(pod)?.cluster;
  const created = Date.parse(state.resource(pod)?.facts?.creationTimestamp ?? '');
  const until = Number.isFinite(created) ? created : at;
  let best: { item: IndexedEvent; injector: string } | undefined;
  for (const service of services.split(',')) {
    const [namespace, name] = service.split('/');
    if (!namespace || !name) continue;
    const key = entityKey({ kind: 'Service', name, namespace, ...(cluster ? { cluster } : {}) });
    const workloads = new Set<string>();
    const configs = new Set<string>();
    for (const backend of state.neighbours(key, 'SELECTS', 'out')) {
      workloads.add(state.rootOwner(backend));
      for (const dependency of state.dependenciesOf(backend)) if (entityKeyKind(dependency) === 'ConfigMap') configs.add(dependency);
    }
    const changes = [...[...workloads].flatMap((workload) => state.eventsOn(workload, until - INJECTOR_WINDOW_MS, RELEASES)), ...[...configs].flatMap((config) => state.eventsOn(config, until - INJECTOR_WINDOW_MS, CONFIG_CHANGE_TYPES))];
    for (const change of changes) if (change.at <= until && (!best || change.at > best.item.at)) best = { item: change, injector: service };
  }
  if (!best) return [];
  return [
    {
      kind: 'CAUSED',
      fromEventId: best.item.event.id,
      toEventId: event.id,
      confidence: 0.75,
      reason: `container ${event.kubernetes?.container ?? '?'} is not in its workload's template: the injector behind Service ${best.injector} added it at admission, after ${best.item.event.type.replace(/_/g, ' ')} there ${Math.round((at - best.item.at) / MINUTE)}m earlier`,
      correlator,
    },
  ];
}
