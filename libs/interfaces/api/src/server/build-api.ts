import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context/api-context.js';
import type { BuildApiOptions } from './api-options.js';

/**
 * The Tapio REST API: one encapsulated plugin per resource under /api/v1, probes and
 * metrics at the root, the OpenAPI document and docs UI at /docs. Returns the fastify
 * instance, ready for `inject()` or `listen()`. Fastify and its plugins load here, on
 * first use, so commands that only read the `api:` configuration do not pay for them.
 */
export async function buildApi(context: ApiContext, options: BuildApiOptions = {}): Promise<FastifyInstance> {
  const { assembleApi } = await import('./assemble-api.js');
  return assembleApi(context, options);
}
