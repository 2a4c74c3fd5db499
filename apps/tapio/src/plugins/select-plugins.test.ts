import { definePlugin, EventBus, NO_OP_PORTS } from '@tapio/domain';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, parseConfig } from '../config/load-config.js';
import { BUILTIN_PLUGINS } from './builtin-plugins.js';
import { selectPlugins, type Candidate } from './select-plugins.js';

const BUILTINS: Candidate[] = BUILTIN_PLUGINS.map((descriptor) => ({ descriptor, origin: 'built-in' }));

/** A third-party bus plugin, chosen by `bus.type: kafka` like a built-in one. */
const kafkaBus = definePlugin({
  id: 'kafka',
  kind: 'bus',
  needs: {},
  provides: [EventBus],
  configSchema: z.object({ brokers: z.array(z.string()).min(1) }).strict(),
  register: () => ({ provides: [{ token: EventBus, value: NO_OP_PORTS.get(EventBus) as EventBus }] }),
});

function select(text: string, extra: Candidate[] = []) {
  return selectPlugins([...BUILTINS, ...extra], parseConfig(text, 'tapio.yaml', {}));
}

function problems(text: string, extra: Candidate[] = []) {
  const selection = select(text, extra);
  expect(selection.problems.length).toBeGreaterThan(0);
  return new ConfigError('tapio.yaml', selection.problems);
}

describe('plugin selection: each plugin validates its own section of tapio.yaml', () => {
  it('gives the embedded bus and memory graph their own defaults when their sections are absent', () => {
    const selection = select('cluster: demo\n');
    const configOf = (id: string) => selection.selected.find((entry) => entry.candidate.descriptor.id === id)?.config;
    expect(configOf('embedded')).toEqual({ queueCapacity: 10_000, maxDeliver: 3, duplicateWindow: '2m' });
    expect(configOf('memory')).toMatchObject({ maxEvents: 1_000_000, maxAge: '7d', maxInsights: 50_000 });
  });

  it("reports an unknown key of a plugin's section at the key's line, like the core settings", () => {
    const error = problems('cluster: demo\ngraph:\n  type: memory\n  memory:\n    maxEvents: 10\n    maxEvnets: 20\n');
    expect(error.problems).toEqual([{ path: 'graph.memory.maxEvnets', line: 6, column: 5, message: 'unknown key "maxEvnets"' }]);
    expect(error.message).toContain('tapio.yaml:6:5 graph.memory.maxEvnets: unknown key "maxEvnets"');
  });

  it("reports a wrong type in a plugin's section at the value", () => {
    const error = problems('cluster: demo\nbus:\n  embedded:\n    queueCapacity: lots\n');
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({ path: 'bus.embedded.queueCapacity', line: 4, column: 20 });
    expect(error.problems[0]?.message).toMatch(/expected number/);
  });

  it('chooses a third-party bus plugin by bus.type and validates its section with its schema', () => {
    const plugin = { descriptor: kafkaBus, origin: './kafka.js' };
    const chosen = select('bus:\n  type: kafka\n  kafka:\n    brokers: [a:9092]\n', [plugin]);
    expect(chosen.problems).toEqual([]);
    expect(chosen.selected.filter((entry) => entry.candidate.descriptor.kind === 'bus').map((entry) => [entry.candidate.descriptor.id, entry.config])).toEqual([['kafka', { brokers: ['a:9092'] }]]);
    const wrong = problems('bus:\n  type: kafka\n  kafka:\n    brokers: []\n', [plugin]);
    expect(wrong.problems[0]).toMatchObject({ path: 'bus.kafka.brokers', line: 4 });
  });

  it('refuses a bus.type or graph.type no plugin provides, naming the known ones and the line', () => {
    const error = problems('bus:\n  type: kafka\ngraph:\n  type: neo5j\n');
    expect(error.problems).toEqual([
      { path: 'bus.type', line: 2, column: 9, message: 'no bus plugin "kafka" (known: embedded, nats; third-party plugins are listed under plugins:)' },
      { path: 'graph.type', line: 4, column: 9, message: 'no graph plugin "neo5j" (known: memory, neo4j; third-party plugins are listed under plugins:)' },
    ]);
  });

  it('refuses a section under bus: that names no bus plugin (a misspelt section is not ignored)', () => {
    const error = problems('bus:\n  type: embedded\n  natz:\n    url: nats://localhost:4222\n');
    expect(error.problems).toEqual([{ path: 'bus.natz', line: 3, column: 3, message: 'no bus plugin "natz" (known: embedded, nats; third-party plugins are listed under plugins:)' }]);
  });
});
