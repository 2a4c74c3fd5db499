import { EVENT_TYPES, EventContext, EventType, pageOf, Severity, UnifiedEvent, type EventQuery } from '@tapio/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { badRequest, ErrorBody, notFound } from '../server/api-error.js';
import { RangeQuery, timeRange, withCursor } from './entity-params.js';
import { entityFilter, EntityFilterQuery, PageQuery } from './list-queries.js';
import { guarded, type ResourcePluginOptions } from './route-options.js';

const EventsQuery = RangeQuery.extend(EntityFilterQuery.shape)
  .extend(PageQuery.shape)
  .extend({
    type: z
      .string()
      .regex(new RegExp(`^(${EVENT_TYPES.join('|')})(,(${EVENT_TYPES.join('|')}))*$`), {
        error: (issue) => {
          const unknown = String(issue.input).split(',').find((item) => !(EVENT_TYPES as readonly string[]).includes(item));
          return `unknown event type "${unknown ?? ''}" (comma-separated, one of ${EVENT_TYPES.join(', ')})`;
        },
      })
      .optional()
      .describe('Comma-separated event types'),
    severity: Severity.optional().describe('Minimum severity'),
  });

function eventTypes(list: string | undefined): EventType[] | undefined {
  if (list === undefined) return undefined;
  return list.split(',').map((item) => {
    const parsed = EventType.safeParse(item.trim());
    if (!parsed.success) throw badRequest('type', `unknown event type "${item.trim()}" (one of ${EVENT_TYPES.join(', ')})`);
    return parsed.data;
  });
}

/** GET /api/v1/events (filters, cursor pagination) and GET /api/v1/events/{id}/context. */
export const eventsRoutes: FastifyPluginAsyncZod<ResourcePluginOptions> = async (app, { context, auth }) => {
  const { preHandler, security } = guarded(auth, 'read');

  app.get('', {
    preHandler,
    schema: {
      summary: 'Events, newest first, with filters and cursor pagination',
      tags: ['events'],
      security,
      querystring: EventsQuery,
      response: { 200: pageOf(UnifiedEvent), 400: ErrorBody, 401: ErrorBody },
    },
    handler: async (request) => {
      const { query } = request;
      const entity = entityFilter(query);
      const types = eventTypes(query.type);
      const eventQuery: EventQuery = {
        ...timeRange(query),
        limit: query.limit,
        ...(entity ? { entity } : {}),
        ...(types ? { type: types } : {}),
        ...(query.severity ? { minSeverity: query.severity } : {}),
        ...(query.cursor ? { cursor: query.cursor } : {}),
      };
      return withCursor(query.cursor, () => context.graph.events(eventQuery));
    },
  });

  app.get('/:id/context', {
    preHandler,
    schema: {
      summary: "An event's context (seed 002): affected resources, ownership chain, dependencies up to 3 hops, events within 5 minutes, root cause, consequences",
      tags: ['events'],
      security,
      params: z.object({ id: z.string().min(1).max(512) }),
      response: { 200: EventContext, 401: ErrorBody, 404: ErrorBody },
    },
    handler: async (request) => {
      const found = await context.graph.eventContext(request.params.id);
      if (!found) throw notFound(`no event ${request.params.id} in the graph (it may have aged out)`);
      return found;
    },
  });
};
