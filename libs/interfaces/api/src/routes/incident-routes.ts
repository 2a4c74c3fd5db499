import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BlastRadius, blastRadius } from '../incidents/blast-radius.js';
import { IncidentTimeline, incidentTimeline } from '../incidents/incident-timeline.js';
import { ErrorBody, notFound } from '../server/api-error.js';
import { guarded, type ResourcePluginOptions } from './route-options.js';

const InsightParams = z.object({ id: z.string().min(1).max(512) });

/**
 * GET /api/v1/insights/{id}/timeline and /blast-radius: what the web UI's incident page
 * draws (the causal chain and symptoms on a time axis; root -> workload -> pods ->
 * Services -> Ingresses). Registered under the insights prefix beside insightsRoutes.
 */
export const incidentRoutes: FastifyPluginAsyncZod<ResourcePluginOptions> = async (app, { context, auth }) => {
  const { preHandler, security } = guarded(auth, 'read');
  const insightOr404 = async (id: string) => {
    const insight = await context.graph.insight(id);
    if (!insight) throw notFound(`no insight ${id}`);
    return insight;
  };

  app.get('/:id/timeline', {
    preHandler,
    schema: {
      summary: "An incident's events on one time axis, oldest first: root change, rollout, crashes, lost endpoints",
      tags: ['insights'],
      security,
      params: InsightParams,
      response: { 200: IncidentTimeline, 401: ErrorBody, 404: ErrorBody },
    },
    handler: async (request) => incidentTimeline(context.graph, await insightOr404(request.params.id)),
  });

  app.get('/:id/blast-radius', {
    preHandler,
    schema: {
      summary: "What an incident's root cause touches, as a graph, and other incidents on the same root",
      tags: ['insights'],
      security,
      params: InsightParams,
      response: { 200: BlastRadius, 401: ErrorBody, 404: ErrorBody },
    },
    handler: async (request) => blastRadius(context.graph, await insightOr404(request.params.id)),
  });
};
