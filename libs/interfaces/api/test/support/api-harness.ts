import type { ComponentHealth, GraphStore } from '@tapio/domain';
import { PromClientMetrics } from '@tapio/embedded';
import type { FastifyInstance } from 'fastify';
import { buildApi, GraphPatternAdmin, type ApiConfig, type ApiContext, type HealthReport } from '../../src/index.js';

export const WRITE_TOKEN = 'write-token-0123456789abcdef';
export const READ_TOKEN = 'read-token-0123456789abcdef';

export interface Harness {
  app: FastifyInstance;
  context: ApiContext;
  metrics: PromClientMetrics;
  setHealth(report: HealthReport): void;
}

/** The API over a graph, with the graph-only pattern admin (what `-mode api` runs). */
export async function harness(graph: GraphStore, config: Partial<ApiConfig> = { token: WRITE_TOKEN }): Promise<Harness> {
  const metrics = new PromClientMetrics();
  let report: HealthReport = { graph: graph.health(), bus: { status: 'ok' } as ComponentHealth };
  // A clock that ticks one second per reading, so verdicts have distinct, predictable times.
  let tick = 0;
  const now = () => new Date(Date.parse('2026-03-02T11:00:00Z') + 1000 * tick++);
  const context: ApiContext = { graph, metrics, health: () => report, patterns: new GraphPatternAdmin(graph), now };
  const app = await buildApi(context, { config, version: 'test', validateResponses: true });
  return { app, context, metrics, setHealth: (next) => void (report = next) };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
