import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, type Span, type Tracer } from '@opentelemetry/api';
import type { FastifyInstance } from 'fastify';

const spanOf = Symbol('tapio.requestSpan');

/**
 * One server span per request (telemetry on), named by method and route template. An
 * incoming W3C `traceparent` (and `tracestate`) makes it a child of the caller's span, so
 * a request from a traced client joins the client's trace. The OpenTelemetry HTTP and
 * fastify instrumentations patch modules as they load, which an ES-module application
 * that loads fastify on demand does not get; two hooks do the same here.
 */
export function installRequestTracing(app: FastifyInstance, tracer: Tracer): void {
  app.addHook('onRequest', async (request) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const route = request.routeOptions.url ?? 'unmatched';
    const span = tracer.startSpan(
      `${request.method} ${route}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'http.route': route, 'url.path': request.url.split('?')[0] ?? request.url } },
      parent,
    );
    (request as unknown as Record<symbol, Span>)[spanOf] = span;
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = (request as unknown as Record<symbol, Span | undefined>)[spanOf];
    if (!span) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
}

