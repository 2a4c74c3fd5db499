import { z } from 'zod';

/** Every error the API sends: a status, a short code, a sentence, and the offending field when there is one. */
export const ErrorBody = z
  .object({
    statusCode: z.number().int(),
    error: z.string(),
    message: z.string(),
    field: z.string().optional(),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An error meant for the client: its message is safe to show. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  body(): ErrorBody {
    return errorBody(this.statusCode, this.message, this.field);
  }
}

export function errorBody(statusCode: number, message: string, field?: string): ErrorBody {
  return { statusCode, error: REASONS[statusCode] ?? 'Error', message, ...(field ? { field } : {}) };
}

export const badRequest = (field: string, message: string) => new ApiError(400, `${field}: ${message}`, field);
export const notFound = (message: string) => new ApiError(404, message);
