import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { ErrorBody, errorBody } from './api-error.js';

/** Longest path parameter routed; longer ones are answered 414 (documented on every route with parameters). */
export const MAX_PARAM_LENGTH = 2048;

/** `GET /api/v1/why/:kind/:namespace/:name` → `getApiV1WhyKindNamespaceName`: stable, unique, readable. */
export function operationIdFor(method: string, url: string): string {
  const words = url
    .split(/[/:_.-]+/)
    .filter(Boolean)
    .map((word) => word.replace(/[^A-Za-z0-9]/g, ''))
    .filter(Boolean);
  return [method.toLowerCase(), ...words.map((word) => word[0]?.toUpperCase() + word.slice(1))].join('') || method.toLowerCase();
}

/**
 * What every route gets without repeating it: an operationId, the 414 a too long path
 * parameter gets, and a 405 (with `Allow`) instead of 404 when the path exists with
 * other methods. The path table is find-my-way's, fastify's own router, fed from the
 * onRoute hook. Must be installed before the routes.
 */
export function installRouteConventions(app: FastifyInstance): void {
  const paths = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH });
  const methods = new Set<string>();
  app.addHook('onRoute', (route) => {
    const routeMethods = ([] as string[]).concat(route.method as HTTPMethods | HTTPMethods[]);
    for (const method of routeMethods) {
      methods.add(method);
      paths.on(method as HTTPMethod, route.url, () => undefined, { template: route.url });
    }
    if (!route.schema || route.schema.hide) return;
    const schema = route.schema as Record<string, unknown> & { response?: Record<string, unknown> };
    if (schema['operationId'] === undefined) schema['operationId'] = operationIdFor(routeMethods[0] ?? 'get', route.url);
    if (route.url.includes(':') && schema.response) {
      // Path parameters are validated: a bad one is a 400, one longer than the router takes a 414.
      schema.response['400'] ??= ErrorBody;
      schema.response['414'] ??= ErrorBody.describe('A path parameter is longer than the API routes');
    }
  });
  /** The methods of the route that serves this path: the most specific template any method matches (`/patterns/reload` over `/patterns/:name`). */
  const allowedFor = (method: string, path: string) => {
    const matches = [...methods].flatMap((other) => {
      const found = paths.find(other as HTTPMethod, path);
      return found ? [{ method: other, template: (found.store as { template: string }).template }] : [];
    });
    const params = (template: string) => template.split(':').length;
    const best = matches.map((match) => match.template).sort((a, b) => params(a) - params(b))[0];
    return matches.filter((match) => match.template === best && match.method !== method).map((match) => match.method);
  };
  // Before the body is parsed: a method with a body (QUERY, PUT) would otherwise fail on its content type first.
  app.addHook('onRequest', async (request, reply) => {
    if (!request.is404) return;
    const path = request.url.split('?')[0] ?? '/';
    const allowed = allowedFor(request.method, path);
    if (allowed.length) {
      return reply
        .code(405)
        .header('allow', allowed.join(', '))
        .send(errorBody(405, `${request.method} is not allowed on ${path} (allowed: ${allowed.join(', ')})`));
    }
    return undefined;
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(errorBody(404, `no route ${request.method} ${request.url.split('?')[0]}`)));
}
