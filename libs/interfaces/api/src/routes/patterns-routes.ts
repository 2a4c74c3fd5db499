import { PatternConfidence } from '@tapio/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody, notFound } from '../server/api-error.js';
import { feedbackHistory, PatternDetail } from '../patterns/pattern-detail.js';
import { guarded, type ResourcePluginOptions } from './route-options.js';

const ReloadResult = z.object({
  patterns: z.number().int().nonnegative(),
  errors: z.array(z.object({ file: z.string(), line: z.number().int().optional(), column: z.number().int().optional(), reason: z.string() })),
});

/** GET /api/v1/patterns, GET /api/v1/patterns/{name}, POST /api/v1/patterns/reload. */
export const patternsRoutes: FastifyPluginAsyncZod<ResourcePluginOptions> = async (app, { context, auth }) => {
  const read = guarded(auth, 'read');
  const write = guarded(auth, 'write');

  app.get('', {
    preHandler: read.preHandler,
    schema: {
      summary: 'Behavior patterns with base and current confidence, accuracy, feedback and match counts, and standing (learning, active, promoted, retired)',
      tags: ['patterns'],
      security: read.security,
      response: { 200: z.object({ items: z.array(PatternConfidence) }), 401: ErrorBody },
    },
    handler: async () => ({ items: await context.patterns.list() }),
  });

  app.get('/:name', {
    preHandler: read.preHandler,
    schema: {
      summary: 'One pattern with its history (confidence and standing after each verdict)',
      tags: ['patterns'],
      security: read.security,
      params: z.object({ name: z.string().min(1).max(253) }),
      response: { 200: PatternDetail, 401: ErrorBody, 404: ErrorBody },
    },
    handler: async (request) => {
      const pattern = await context.patterns.get(request.params.name);
      if (!pattern) throw notFound(`no behavior pattern "${request.params.name}"`);
      const feedback = await context.graph.feedbackFor(pattern.patternId);
      return { ...pattern, history: feedbackHistory(pattern.baseConfidence, feedback, context.patterns.policy) };
    },
  });

  app.post('/reload', {
    preHandler: write.preHandler,
    schema: {
      summary: 'Re-read the behavior pattern files now',
      tags: ['patterns'],
      security: write.security,
      response: { 200: ReloadResult, 401: ErrorBody, 403: ErrorBody },
    },
    handler: async () => context.patterns.reload(),
  });
};
