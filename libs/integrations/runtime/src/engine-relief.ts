import type { ComponentHealth } from '@tapio/domain';
import type { CorrelationEngine } from '@tapio/correlation';
import type { MemoryRelief } from './memory-guard.js';

const count = (value: number) => value.toLocaleString('en-US');

/** The correlation engine's part of read-only by memory: one halving of its window (and its cached walks) per step. */
export function engineRelief(engine: Pick<CorrelationEngine, 'shed'>): MemoryRelief {
  return {
    shed() {
      const shed = engine.shed();
      return shed && `engine window ${count(shed.before)} -> ${count(shed.after)} events (held at that size from now on)`;
    },
  };
}

/** The state Tapio keeps and cannot shed, in words: the engine's window and what the graph's health counts (resources, events). */
export function keptState(engine: Pick<CorrelationEngine, 'state'>, graph: () => ComponentHealth): string {
  const parts = [`engine window ${count(engine.state.size)} events`];
  for (const [name, value] of Object.entries(graph().details ?? {})) if (typeof value === 'number') parts.push(`graph ${count(value)} ${name}`);
  return parts.join(', ');
}
