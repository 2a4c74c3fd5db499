import type { FastifyInstance } from 'fastify';
import type { Metrics } from '@tapio/domain';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const started = Symbol('tapio.requestStarted');

/** HTTP request counters and latency histograms by method, route template and status. */
export function installRequestMetrics(app: FastifyInstance, metrics: Metrics): void {
  const requests = metrics.counter('tapio_http_requests_total', 'HTTP requests served by the Tapio API, by method, route and status', ['method', 'route', 'status']);
  const latency = metrics.histogram('tapio_http_request_duration_seconds', 'Time to serve an HTTP request of the Tapio API, seconds', LATENCY_BUCKETS, ['method', 'route']);
  app.addHook('onRequest', async (request) => {
    (request as unknown as Record<symbol, bigint>)[started] = process.hrtime.bigint();
  });
  app.addHook('onResponse', async (request, reply) => {
    const begin = (request as unknown as Record<symbol, bigint | undefined>)[started];
    // Unmatched URLs share one label so scanners cannot blow up the series count.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    if (begin !== undefined) latency.observe(Number(process.hrtime.bigint() - begin) / 1e9, { method: request.method, route });
  });
}
