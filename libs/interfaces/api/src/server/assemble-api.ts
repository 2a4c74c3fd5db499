import cors from '@fastify/cors';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { FastifySerializerCompiler } from 'fastify';
import { silentLogger } from '@tapio/domain';
import { ApiConfig } from '../config/api-config.js';
import type { ApiContext } from '../context/api-context.js';
import { eventsRoutes } from '../routes/events-routes.js';
import { feedbackRoutes } from '../routes/feedback-routes.js';
import { healthRoutes } from '../routes/health-routes.js';
import { impactRoutes } from '../routes/impact-routes.js';
import { incidentRoutes } from '../routes/incident-routes.js';
import { insightsRoutes } from '../routes/insights-routes.js';
import { patternsRoutes } from '../routes/patterns-routes.js';
import { predictionsRoutes } from '../routes/predictions-routes.js';
import { whyRoutes } from '../routes/why-routes.js';
import { webRoutes } from '../web/web-routes.js';
import { graphqlRoutes } from '../graphql/graphql-routes.js';
import { BearerAuth } from './bearer-auth.js';
import { installErrorHandler } from './error-handler.js';
import { installHostCheck } from './host-check.js';
import { errorBody } from './api-error.js';
import { registerOpenApi } from './openapi.js';
import { installRouteConventions, MAX_PARAM_LENGTH } from './route-conventions.js';
import { installRequestMetrics } from './request-metrics.js';
import { installRequestTracing } from './request-tracing.js';
import { API_PREFIX, type BuildApiOptions } from './api-options.js';

const plainJson: FastifySerializerCompiler<unknown> = () => (data) => JSON.stringify(data);

/** See buildApi; loaded on demand so reading the API's configuration stays cheap. */
export async function assembleApi(context: ApiContext, options: BuildApiOptions): Promise<FastifyInstance> {
  const config = ApiConfig.parse(options.config ?? {});
  const logger = context.logger ?? silentLogger;
  const auth = new BearerAuth(config);
  const app = Fastify({ logger: false, bodyLimit: config.bodyLimit, return503OnClosing: true, forceCloseConnections: true, routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // Malformed or too long URLs answer in the API's error shape (the default adds a `code`).
    frameworkErrors: (error, _request, reply) => {
      const status = error.statusCode ?? 400;
      void (reply as unknown as FastifyReply).code(status).send(errorBody(status, error.message));
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(options.validateResponses ? serializerCompiler : plainJson);
  installErrorHandler(app, logger);
  installHostCheck(app, config.allowedHosts);
  installRouteConventions(app);
  installRequestMetrics(app, context.metrics);
  if (options.tracer) installRequestTracing(app, options.tracer);
  if (config.corsOrigins.length) await app.register(cors, { origin: config.corsOrigins, methods: ['GET', 'POST'], allowedHeaders: ['Authorization', 'Content-Type'] });
  if (config.docs) await registerOpenApi(app, { version: options.version ?? '1' });

  const plugin = { context, auth };
  await app.register(whyRoutes, { ...plugin, prefix: `${API_PREFIX}/why` });
  await app.register(eventsRoutes, { ...plugin, prefix: `${API_PREFIX}/events` });
  await app.register(insightsRoutes, { ...plugin, prefix: `${API_PREFIX}/insights` });
  await app.register(incidentRoutes, { ...plugin, prefix: `${API_PREFIX}/insights` });
  await app.register(impactRoutes, { ...plugin, prefix: `${API_PREFIX}/impact` });
  await app.register(patternsRoutes, { ...plugin, prefix: `${API_PREFIX}/patterns` });
  await app.register(feedbackRoutes, { ...plugin, prefix: `${API_PREFIX}/feedback` });
  await app.register(predictionsRoutes, { ...plugin, prefix: `${API_PREFIX}/predictions` });
  await app.register(healthRoutes, plugin);
  if (config.graphql) await app.register(graphqlRoutes, plugin);
  if (config.ui) await app.register(webRoutes, options.webAssetsDir ? { assetsDir: options.webAssetsDir } : {});
  await app.ready();
  return app;
}
