import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { Logger } from '@tapio/domain';
import { ApiError, errorBody } from './api-error.js';

interface ValidationIssue {
  instancePath: string;
  message?: string;
}

/** "querystring.limit", "body.prediction_id", "params.kind": where the bad input is. */
function fieldOf(context: string | undefined, issue: ValidationIssue): string {
  const path = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
  return [context, path].filter(Boolean).join('.') || 'request';
}

/**
 * Turns every failure into an ErrorBody: validation errors name the field, client
 * errors keep their message, anything else becomes a bare 500 (logged here, never
 * sent: no stack traces or internals reach clients).
 */
export function installErrorHandler(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ApiError) return reply.code(error.statusCode).send(error.body());
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation as ValidationIssue[];
      const first = issues[0] as ValidationIssue;
      const field = fieldOf(error.validationContext, first);
      const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
      return reply.code(400).send(errorBody(400, `${field}: ${first.message ?? 'invalid'}${more}`, field));
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors: malformed JSON, body too large, wrong content type.
      const field = error.code?.startsWith('FST_ERR_CTP_') ? 'body' : undefined;
      return reply.code(status).send(errorBody(status, error.message, field));
    }
    logger.error({ err: error, method: request.method, url: request.url }, 'request failed');
    return reply.code(500).send(errorBody(500, 'internal error; the server log has the details'));
  });
}
