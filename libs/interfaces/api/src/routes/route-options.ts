import type { FastifyRequest } from 'fastify';
import type { Access, BearerAuth } from '../server/bearer-auth.js';
import type { ApiContext } from '../context/api-context.js';

/** What every resource plugin is registered with. */
export interface ResourcePluginOptions {
  context: ApiContext;
  auth: BearerAuth;
}

/** Route options enforcing (and documenting) the access level of a route. */
export function guarded(auth: BearerAuth, access: Access) {
  return {
    preHandler: async (request: FastifyRequest) => auth.check(request, access),
    security: auth.security(access),
  };
}
