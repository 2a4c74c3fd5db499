import { EntityRef, EventQuery, InsightQuery, type Insight, type UnifiedEvent } from '@tapio/domain';
import { GraphQLError, GraphQLScalarType } from 'graphql';
import type { z } from 'zod';
import type { ApiContext } from '../context/api-context.js';
import { whyWithDependencies } from '../incidents/dependency-evidence.js';
import { feedbackHistory } from '../patterns/pattern-detail.js';
import { entityFilter } from '../routes/list-queries.js';
import { entityFromPath, timeRange } from '../routes/entity-params.js';
import { ApiError } from '../server/api-error.js';

/** Output-only JSON values (the REST API's documents); never taken as input. */
const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  serialize: (value) => value,
  parseValue: () => {
    throw new GraphQLError('JSON is an output type');
  },
  parseLiteral: () => {
    throw new GraphQLError('JSON is an output type');
  },
});

type Args = Record<string, unknown>;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** A resolver whose ApiErrors and invalid arguments become GraphQL errors naming the field, like the REST API's 400s. */
function answer<T>(run: () => Promise<T>): Promise<T> {
  return run().catch((error: unknown) => {
    if (error instanceof ApiError) throw new GraphQLError(error.message, { extensions: { code: error.statusCode === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', field: error.field } });
    throw error;
  });
}

function valid<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new GraphQLError(`${issue?.path.join('.') || 'arguments'}: ${issue?.message}`, { extensions: { code: 'BAD_REQUEST', field: issue?.path.join('.') } });
}

function entityOf(args: Args): EntityRef {
  return entityFromPath({ kind: String(args['kind']), name: String(args['name']), ...(text(args['namespace']) ? { namespace: text(args['namespace']) as string } : {}) }, text(args['cluster']));
}

function range(args: Args) {
  return timeRange({ since: text(args['since']), until: text(args['until']) });
}

/** The resolvers of GRAPHQL_SCHEMA over the API's context: the same graph ports and pattern admin the REST routes use. */
export function graphqlResolvers(context: ApiContext) {
  const { graph, patterns } = context;
  const eventsOf = async (insight: Insight) => (await Promise.all(insight.eventIds.map((id) => graph.event(id)))).filter((event): event is UnifiedEvent => event !== undefined);
  return {
    JSON: JsonScalar,
    Query: {
      entity: (_: unknown, args: Args) => answer(async () => entityOf(args)),
      why: (_: unknown, args: Args) => answer(async () => whyWithDependencies(graph, await graph.why(entityOf(args), range(args)))),
      insights: (_: unknown, args: Args) =>
        answer(async () => {
          const entity = entityFilter({ kind: text(args['kind']), namespace: text(args['namespace']), name: text(args['name']) });
          const query = valid(InsightQuery, { ...range(args), ...(entity ? { entity } : {}), pattern: args['pattern'] ?? undefined, minSeverity: args['minSeverity'] ?? undefined, limit: args['limit'] ?? undefined, cursor: args['cursor'] ?? undefined });
          return graph.insights(query);
        }),
      insight: (_: unknown, args: Args) => answer(async () => (await graph.insight(String(args['id']))) ?? null),
      events: (_: unknown, args: Args) =>
        answer(async () => {
          const entity = entityFilter({ kind: text(args['kind']), namespace: text(args['namespace']), name: text(args['name']) });
          const query = valid(EventQuery, { ...range(args), ...(entity ? { entity } : {}), type: args['types'] ?? undefined, minSeverity: args['minSeverity'] ?? undefined, limit: args['limit'] ?? undefined, cursor: args['cursor'] ?? undefined });
          return graph.events(query);
        }),
      event: (_: unknown, args: Args) => answer(async () => (await graph.event(String(args['id']))) ?? null),
      eventContext: (_: unknown, args: Args) => answer(async () => (await graph.eventContext(String(args['id']))) ?? null),
      impact: (_: unknown, args: Args) => answer(async () => graph.impact(entityOf(args))),
      patterns: () => answer(async () => patterns.list()),
      pattern: (_: unknown, args: Args) =>
        answer(async () => {
          const pattern = await patterns.get(String(args['name']));
          if (!pattern) return null;
          return { ...pattern, history: feedbackHistory(pattern.baseConfidence, await graph.feedbackFor(pattern.patternId)) };
        }),
    },
    Entity: {
      why: (entity: EntityRef, args: Args) => answer(async () => whyWithDependencies(graph, await graph.why(entity, range(args)))),
      insights: (entity: EntityRef, args: Args) => answer(async () => (await graph.insights(valid(InsightQuery, { entity, limit: args['limit'] ?? undefined }))).items),
    },
    Insight: {
      rootCause: (insight: Insight) => insight.rootCause.entity,
      rootCauseDetail: (insight: Insight) => insight.rootCause,
      events: (insight: Insight) => answer(() => eventsOf(insight)),
    },
    Event: {
      entity: (event: UnifiedEvent) => event.entity ?? null,
      document: (event: UnifiedEvent) => event,
    },
  };
}
