import { ANONYMOUS_USER, Feedback, feedbackId, FeedbackRequest, PatternConfidence } from '@tapio/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody, notFound } from '../server/api-error.js';
import { guarded, type ResourcePluginOptions } from './route-options.js';

export const FeedbackResponse = z.object({
  feedback: Feedback,
  /** The pattern's state after this verdict; null when the pattern is no longer loaded. */
  pattern: PatternConfidence.nullable(),
  /** True when this user's earlier verdict on the prediction was replaced (one verdict per prediction and user). */
  replaced: z.boolean(),
});
export type FeedbackResponse = z.infer<typeof FeedbackResponse>;

/**
 * POST /api/v1/feedback (seed 002): an SRE's verdict on a prediction. Stored as
 * Feedback -VALIDATES-> Prediction, one per prediction and user (a repeat replaces the
 * earlier verdict: its id is derived from both); the pattern's confidence and standing
 * follow (FeedbackPolicy, docs/patterns.md).
 */
export const feedbackRoutes: FastifyPluginAsyncZod<ResourcePluginOptions> = async (app, { context, auth }) => {
  const { preHandler, security } = guarded(auth, 'write');
  const counter = context.metrics.counter('tapio_feedback_total', 'Feedback verdicts received, by pattern and verdict', ['pattern', 'accurate']);
  const now = context.now ?? (() => new Date());

  app.post('', {
    preHandler,
    schema: {
      summary: 'Tell Tapio whether a prediction was right',
      tags: ['feedback'],
      security,
      body: FeedbackRequest,
      response: { 201: FeedbackResponse, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 413: ErrorBody, 415: ErrorBody },
    },
    handler: async (request, reply) => {
      const body = request.body;
      const prediction = await context.graph.prediction(body.prediction_id);
      if (!prediction) throw notFound(`no prediction ${body.prediction_id} (prediction ids are in insights and in tapio why)`);
      const user = body.user ?? ANONYMOUS_USER;
      const id = feedbackId(prediction.id, user);
      const replaced = (await context.graph.feedbackFor(prediction.patternId)).some((item) => item.id === id);
      const feedback: Feedback = {
        id,
        user,
        predictionId: prediction.id,
        patternId: prediction.patternId,
        accurate: body.accurate,
        rating: body.rating,
        comment: body.comment,
        timestamp: now().toISOString(),
      };
      const pattern = await context.patterns.recordFeedback(feedback);
      counter.inc({ pattern: prediction.patternId, accurate: String(body.accurate) });
      context.logger?.info({ feedback: feedback.id, prediction: prediction.id, pattern: prediction.patternId, accurate: body.accurate, user, replaced, status: pattern?.status }, 'feedback recorded');
      return reply.code(201).send({ feedback, pattern: pattern ?? null, replaced });
    },
  });
};
