import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PredictionAnswer, predictionAnswer } from '../incidents/prediction-outcome.js';
import { ErrorBody, notFound } from '../server/api-error.js';
import { guarded, type ResourcePluginOptions } from './route-options.js';

/** GET /api/v1/predictions/{id}: what a matched pattern predicted and whether it came true. */
export const predictionsRoutes: FastifyPluginAsyncZod<ResourcePluginOptions> = async (app, { context, auth }) => {
  const { preHandler, security } = guarded(auth, 'read');

  app.get('/:id', {
    preHandler,
    schema: {
      summary: 'One prediction, the verdicts on it and whether it came true',
      tags: ['feedback'],
      security,
      params: z.object({ id: z.string().min(1).max(512) }),
      response: { 200: PredictionAnswer, 401: ErrorBody, 404: ErrorBody },
    },
    handler: async (request) => {
      const prediction = await context.graph.prediction(request.params.id);
      if (!prediction) throw notFound(`no prediction ${request.params.id}`);
      return predictionAnswer(context.graph, prediction);
    },
  });
};
