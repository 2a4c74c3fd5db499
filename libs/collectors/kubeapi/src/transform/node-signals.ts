import type { EventType, K8sObjectFacts } from '@tapio/domain';
import type { Signal } from './signal.js';

const PRESSURE: Record<string, EventType> = {
  MemoryPressure: 'memory_pressure',
  DiskPressure: 'disk_pressure',
  PIDPressure: 'pid_pressure',
  NetworkUnavailable: 'network_unavailable',
};

/** Node condition transitions: Ready flips and pressure conditions raised or relieved. */
export function nodeSignals(previous: K8sObjectFacts | undefined, facts: K8sObjectFacts): Signal[] {
  const signals: Signal[] = [];
  const before = previous?.conditions ?? {};
  const after = facts.conditions ?? {};
  const ready = after['Ready'];
  if (ready !== undefined && ready !== (before['Ready'] ?? (previous ? undefined : 'True'))) {
    if (ready === 'True' && previous) signals.push({ type: 'node_ready', key: 'Ready:True', message: `Node ${facts.name} is Ready again`, kubernetes: { condition: 'Ready', conditionStatus: ready } });
    if (ready !== 'True') signals.push({ type: 'node_not_ready', key: `Ready:${ready}`, message: `Node ${facts.name} is not Ready (status ${ready})`, kubernetes: { condition: 'Ready', conditionStatus: ready } });
  }
  for (const [condition, type] of Object.entries(PRESSURE)) {
    const now = after[condition];
    const was = before[condition] ?? 'False';
    if (now === 'True' && was !== 'True') {
      signals.push({ type, key: `${condition}:True`, message: `Node ${facts.name} reports ${condition}`, kubernetes: { condition, conditionStatus: 'True' } });
    } else if (now === 'False' && was === 'True' && previous) {
      signals.push({ type: 'node_pressure_relieved', key: `${condition}:False`, message: `Node ${facts.name} no longer reports ${condition}`, kubernetes: { condition, conditionStatus: 'False' } });
    }
  }
  return signals;
}
