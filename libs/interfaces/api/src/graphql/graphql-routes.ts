import type { FastifyInstance } from 'fastify';
import mercurius from 'mercurius';
import type { ApiContext } from '../context/api-context.js';
import type { BearerAuth } from '../server/bearer-auth.js';
import { graphqlResolvers } from './graphql-resolvers.js';
import { GRAPHQL_SCHEMA } from './graphql-schema.js';

/** Deepest query accepted: the schema's links (entity → insights → events → entity) could otherwise nest without end. */
const MAX_DEPTH = 8;

/**
 * GraphQL at /graphql (GET and POST) with mercurius, fastify's GraphQL adapter. Reads
 * only, under the REST API's read rule: with `api.protectReads` a bearer token is
 * required, checked before mercurius sees the request. Left out of the OpenAPI document
 * (it describes REST; the GraphQL schema describes itself by introspection).
 */
export async function graphqlRoutes(app: FastifyInstance, { context, auth }: { context: ApiContext; auth: BearerAuth }): Promise<void> {
  // mercurius declares JSON Schemas for its routes, which the API's zod compilers cannot
  // read; it checks a request itself (a query is required, variables are typed by GraphQL),
  // so its routes keep only `hide`.
  app.addHook('onRoute', (route) => {
    route.schema = { hide: true } as typeof route.schema;
  });
  app.addHook('preHandler', async (request) => auth.check(request, 'read'));
  await app.register(mercurius, {
    schema: GRAPHQL_SCHEMA,
    resolvers: graphqlResolvers(context) as never,
    path: '/graphql',
    graphiql: false,
    queryDepth: MAX_DEPTH,
  });
}
