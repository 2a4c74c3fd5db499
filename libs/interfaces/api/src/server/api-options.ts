import type { Tracer } from '@opentelemetry/api';
import type { ApiConfig } from '../config/api-config.js';

export interface BuildApiOptions {
  /** The `api:` configuration, tokens already resolved (see withTokensFromEnv). */
  config?: Partial<ApiConfig>;
  /** Version shown in the OpenAPI document. */
  version?: string;
  /**
   * Check every response against its zod schema before sending (tests do). Off by
   * default: handlers return domain objects already shaped by those schemas, and
   * encoding through zod costs ~20× plain JSON on large answers.
   */
  validateResponses?: boolean;
  /** Folder of the built web UI (default: this package's dist/ui-assets). */
  webAssetsDir?: string;
  /** Request spans continuing an incoming W3C traceparent (telemetry on); none without. */
  tracer?: Tracer;
}

export const API_PREFIX = '/api/v1';
