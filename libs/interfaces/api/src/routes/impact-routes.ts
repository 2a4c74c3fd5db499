import { ImpactAnswer } from '@tapio/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody, notFound } from '../server/api-error.js';
import { ClusterScopedPath, entityFromPath, NamespacedPath } from './entity-params.js';
import { guarded, type ResourcePluginOptions } from './route-options.js';

const ImpactQuery = z.object({ cluster: z.string().min(1).max(253).optional() });

/** GET /api/v1/impact/...: what a change to this object will touch (seed 000's impact analysis). */
export const impactRoutes: FastifyPluginAsyncZod<ResourcePluginOptions> = async (app, { context, auth }) => {
  const { preHandler, security } = guarded(auth, 'read');
  const response = { 200: ImpactAnswer, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody };

  const answer = async (params: { kind: string; namespace?: string; name: string }, cluster?: string) => {
    const entity = entityFromPath(params, cluster);
    const impact = await context.graph.impact(entity);
    if (!impact.known) throw notFound(`Tapio knows nothing about ${entity.kind} ${entity.namespace ? `${entity.namespace}/` : ''}${entity.name}`);
    return impact;
  };

  app.get('/:kind/:namespace/:name', {
    preHandler,
    schema: { summary: 'Impact of changing a namespaced object', tags: ['impact'], security, params: NamespacedPath, querystring: ImpactQuery, response },
    handler: async (request) => answer(request.params, request.query.cluster),
  });
  app.get('/:kind/:name', {
    preHandler,
    schema: { summary: 'Impact of changing a cluster-scoped object', tags: ['impact'], security, params: ClusterScopedPath, querystring: ImpactQuery, response },
    handler: async (request) => answer(request.params, request.query.cluster),
  });
};
