import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

export const DOCS_PREFIX = '/docs';

/**
 * The OpenAPI 3.0 document, generated from the routes' zod schemas, and the docs UI.
 * `GET /docs/json` serves the document. Must be registered before the routes.
 */
export async function registerOpenApi(app: FastifyInstance, options: { version: string }): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Tapio API',
        description: 'Tapio tells SREs WHY Kubernetes broke: root causes, causal chains, impact, events and their context, behavior patterns and the feedback that tunes them.',
        version: options.version,
      },
      tags: [
        { name: 'why', description: 'The story of an entity' },
        { name: 'events', description: 'Events and their context' },
        { name: 'insights', description: 'Incidents Tapio explained' },
        { name: 'impact', description: 'What a change touches' },
        { name: 'patterns', description: 'Behavior patterns and their confidence' },
        { name: 'feedback', description: 'Verdicts on predictions' },
        { name: 'health', description: 'Probes and metrics' },
      ],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: DOCS_PREFIX });
}
