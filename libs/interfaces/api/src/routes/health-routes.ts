import { ComponentHealth, HealthStatus, totalFollower } from '@tapio/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { HealthReport } from '../context/api-context.js';
import { ErrorBody } from '../server/api-error.js';
import { metricsFormatFor } from '../server/metrics-format.js';
import { guarded, type ResourcePluginOptions } from './route-options.js';

const Readiness = z.object({
  status: z.enum(['ok', 'degraded', 'down']),
  components: z.record(z.string(), ComponentHealth),
});
type Readiness = z.infer<typeof Readiness>;

const NOT_READY: ReadonlySet<HealthStatus> = new Set(['down', 'starting', 'stopped']);

function isComponent(value: ComponentHealth | Record<string, ComponentHealth>): value is ComponentHealth {
  return typeof (value as ComponentHealth).status === 'string' && HealthStatus.safeParse((value as ComponentHealth).status).success;
}

/** Flattens the report ("collectors/kubeapi") and rolls it up: any component down → down, any degraded → degraded. */
export function readiness(report: HealthReport): Readiness {
  const components: Record<string, ComponentHealth> = {};
  for (const [name, value] of Object.entries(report)) {
    if (isComponent(value)) components[name] = value;
    else for (const [child, health] of Object.entries(value)) components[`${name}/${child}`] = health;
  }
  const statuses = Object.values(components).map((component) => component.status);
  const status = statuses.some((item) => NOT_READY.has(item)) ? 'down' : statuses.includes('degraded') ? 'degraded' : 'ok';
  return { status, components };
}

/** GET /healthz (liveness), GET /readyz (per component), GET /metrics (Prometheus text). */
export const healthRoutes: FastifyPluginAsyncZod<ResourcePluginOptions> = async (app, { context, auth }) => {
  const read = guarded(auth, 'read');
  const patternConfidence = context.metrics.gauge('tapio_pattern_confidence_ratio', 'Current confidence of each behavior pattern, 0 to 1 (seed 002 formula)', ['pattern']);
  const patternMatches = totalFollower(context.metrics.counter('tapio_pattern_matches_total', 'Times each behavior pattern matched', ['pattern']));
  const patternFeedback = context.metrics.gauge('tapio_pattern_feedback_verdicts', 'Feedback verdicts stored for each behavior pattern', ['pattern']);

  app.get('/healthz', {
    schema: { summary: 'Liveness: the process serves requests', tags: ['health'], response: { 200: z.object({ status: z.literal('ok') }) } },
    handler: async () => ({ status: 'ok' as const }),
  });

  app.get('/readyz', {
    schema: {
      summary: 'Readiness per component (collectors, bus, graph store); 503 when one is down, 200 with status "degraded" when one is degraded',
      tags: ['health'],
      response: { 200: Readiness, 503: Readiness },
    },
    handler: async (_request, reply) => {
      const ready = readiness(context.health());
      return reply.code(ready.status === 'down' ? 503 : 200).send(ready);
    },
  });

  app.get('/metrics', {
    preHandler: read.preHandler,
    schema: {
      summary: 'Prometheus metrics (OpenMetrics when the Accept header asks for application/openmetrics-text): events in/out per collector, rejects, dead letters, queue depths, latency histograms, pattern matches, feedback, HTTP requests',
      tags: ['health'],
      security: read.security,
      response: {
        200: {
          description: 'The metrics in the Prometheus text format, or OpenMetrics when the Accept header prefers it',
          content: { 'text/plain; version=0.0.4': { schema: z.string() }, 'application/openmetrics-text; version=1.0.0': { schema: z.string() } },
        },
        401: ErrorBody,
      },
    },
    handler: async (request, reply) => {
      await context.beforeScrape?.();
      for (const pattern of await context.patterns.list()) {
        patternConfidence.set(pattern.confidence, { pattern: pattern.patternId });
        patternMatches(pattern.matches, { pattern: pattern.patternId });
        patternFeedback.set(pattern.feedbackCount, { pattern: pattern.patternId });
      }
      const rendered = await context.metrics.render(metricsFormatFor(request.headers.accept));
      return reply.type(rendered.contentType).send(rendered.text);
    },
  });
};
