import { WhyAnswer } from '@tapio/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { whyWithDependencies } from '../incidents/dependency-evidence.js';
import { ErrorBody, notFound } from '../server/api-error.js';
import { ClusterScopedPath, entityFromPath, NamespacedPath, RangeQuery, timeRange } from './entity-params.js';
import { guarded, type ResourcePluginOptions } from './route-options.js';

/** GET /api/v1/why/{kind}/{namespace}/{name} and /api/v1/why/{kind}/{name}: the story of an entity. */
export const whyRoutes: FastifyPluginAsyncZod<ResourcePluginOptions> = async (app, { context, auth }) => {
  const { preHandler, security } = guarded(auth, 'read');
  const response = { 200: WhyAnswer, 400: ErrorBody, 401: ErrorBody, 404: ErrorBody };
  const describe = 'Why an entity is in trouble: the insights that explain it (root cause, causal chain, impact, story), its own events and their causal ancestors. The kind is case-insensitive and accepts kubectl short names (pod, deploy, svc, cm, no...).';

  const answer = async (params: { kind: string; namespace?: string; name: string }, query: { since?: string; until?: string; cluster?: string }) => {
    const entity = entityFromPath(params, query.cluster);
    const why = await context.graph.why(entity, timeRange(query));
    if (!why.known && why.events.length === 0 && why.insights.length === 0) {
      throw notFound(`Tapio knows nothing about ${entity.kind} ${entity.namespace ? `${entity.namespace}/` : ''}${entity.name}`);
    }
    return whyWithDependencies(context.graph, why);
  };

  app.get('/:kind/:namespace/:name', {
    preHandler,
    schema: { summary: 'Why: a namespaced entity', description: describe, tags: ['why'], security, params: NamespacedPath, querystring: RangeQuery, response },
    handler: async (request) => answer(request.params, request.query),
  });
  app.get('/:kind/:name', {
    preHandler,
    schema: { summary: 'Why: a cluster-scoped entity (Node, PersistentVolume...)', description: describe, tags: ['why'], security, params: ClusterScopedPath, querystring: RangeQuery, response },
    handler: async (request) => answer(request.params, request.query),
  });
};
