import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Collector, RawEventTransformer } from '../ports/collector.js';
import { Logger, silentLogger } from '../ports/logger.js';
import { defineCollectorPlugin } from './collector-plugin.js';

describe('defineCollectorPlugin', () => {
  it('is a collector plugin whose transformer and collector are built only when asked for, from its config and needs', async () => {
    const built: string[] = [];
    const transformer: RawEventTransformer = { sources: ['probe'], transform: () => [] };
    const plugin = defineCollectorPlugin({
      id: 'probe',
      description: 'a probe',
      needs: { logger: Logger },
      configSchema: z.object({ target: z.string() }),
      transformer: async () => (built.push('transformer'), transformer),
      collector: async ({ config, deps }) => {
        built.push(`collector ${config.target} ${deps.logger === silentLogger}`);
        return { id: 'probe', source: 'probe', start: async () => undefined, stop: async () => undefined, health: () => ({ status: 'ok' }) } satisfies Collector;
      },
    });
    expect(plugin).toMatchObject({ id: 'probe', kind: 'collector', description: 'a probe', needs: { logger: Logger } });
    expect(built).toEqual([]);
    expect(await plugin.transformers?.()).toEqual([transformer]);
    const contribution = await plugin.register({ deps: { logger: silentLogger }, config: { target: 'x' }, logger: silentLogger, baseDir: '/' });
    expect(contribution.collectors?.map((collector) => collector.id)).toEqual(['probe']);
    expect(built).toEqual(['transformer', 'collector x true']);
    expect(plugin.configSchema?.safeParse({}).success).toBe(false);
  });
});
