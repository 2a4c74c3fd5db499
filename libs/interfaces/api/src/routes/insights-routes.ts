import { Insight, pageOf, Severity, type InsightQuery } from '@tapio/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody, notFound } from '../server/api-error.js';
import { RangeQuery, timeRange, withCursor } from './entity-params.js';
import { entityFilter, EntityFilterQuery, PageQuery } from './list-queries.js';
import { guarded, type ResourcePluginOptions } from './route-options.js';

const InsightsQuery = RangeQuery.extend(EntityFilterQuery.shape)
  .extend(PageQuery.shape)
  .extend({
    pattern: z.string().min(1).max(253).optional().describe('Only insights of this behavior pattern'),
    severity: Severity.optional().describe('Minimum severity'),
    folded: z
      .enum(['hide', 'show'])
      .default('hide')
      .describe('hide (default): one insight per cause, folded incidents only under their root (its alsoExplains); show: every incident, folded ones with explainedBy'),
  });

/** GET /api/v1/insights (filters, pagination) and GET /api/v1/insights/{id}. */
export const insightsRoutes: FastifyPluginAsyncZod<ResourcePluginOptions> = async (app, { context, auth }) => {
  const { preHandler, security } = guarded(auth, 'read');

  app.get('', {
    preHandler,
    schema: {
      summary: 'Insights, newest first, one per cause unless folded=show, with filters and cursor pagination',
      tags: ['insights'],
      security,
      querystring: InsightsQuery,
      response: { 200: pageOf(Insight), 400: ErrorBody, 401: ErrorBody },
    },
    handler: async (request) => {
      const { query } = request;
      const entity = entityFilter(query);
      const insightQuery: InsightQuery = {
        ...timeRange(query),
        limit: query.limit,
        ...(entity ? { entity } : {}),
        ...(query.pattern ? { pattern: query.pattern } : {}),
        ...(query.severity ? { minSeverity: query.severity } : {}),
        ...(query.folded === 'hide' ? { rootsOnly: true } : {}),
        ...(query.cursor ? { cursor: query.cursor } : {}),
      };
      return withCursor(query.cursor, () => context.graph.insights(insightQuery));
    },
  });

  app.get('/:id', {
    preHandler,
    schema: {
      summary: 'One insight, with the incidents it explains (alsoExplains) or the one that explains it (explainedBy)',
      tags: ['insights'],
      security,
      params: z.object({ id: z.string().min(1).max(512) }),
      response: { 200: Insight, 401: ErrorBody, 404: ErrorBody },
    },
    handler: async (request) => {
      const insight = await context.graph.insight(request.params.id);
      if (!insight) throw notFound(`no insight ${request.params.id}`);
      return insight;
    },
  });
};
