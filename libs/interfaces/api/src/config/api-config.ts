import { z } from 'zod';

/** Port the API listens on and the CLI asks by default. */
export const DEFAULT_API_PORT = 7345;
export const DEFAULT_API_HOST = '127.0.0.1';

/** Environment variables a token may come from when tapio.yaml does not set one. */
export const API_TOKEN_ENV = 'TAPIO_API_TOKEN';
export const API_READ_TOKEN_ENV = 'TAPIO_API_READ_TOKEN';

const Token = z.string().min(16, 'tokens must be at least 16 characters long');

/**
 * The `api:` section of tapio.yaml. Secure by default: loopback only, CORS off,
 * writing endpoints refused until a token is configured, reads open unless
 * `protectReads` is set.
 */
export const ApiConfig = z
  .object({
    enabled: z.boolean().default(true),
    /** Address to bind; anything other than loopback exposes the API to the network. */
    host: z.string().min(1).default(DEFAULT_API_HOST),
    port: z.number().int().min(0).max(65535).default(DEFAULT_API_PORT),
    /** Bearer token for writing endpoints (feedback, pattern reload); also grants reads. */
    token: Token.optional(),
    /** Bearer token that grants reads only (when `protectReads` is on). */
    readToken: Token.optional(),
    /** Require a token on every read endpoint too (health probes stay open). */
    protectReads: z.boolean().default(false),
    /**
     * Host names the API answers to besides IP addresses and localhost (e.g. the Service's
     * DNS name); `*` allows any. Other names are refused: DNS rebinding protection.
     */
    allowedHosts: z.array(z.string().min(1)).default([]),
    /** Origins allowed by CORS; empty keeps CORS off. */
    corsOrigins: z.array(z.string().min(1)).default([]),
    /** Largest request body accepted, bytes. */
    bodyLimit: z.number().int().min(1024).max(10 * 1024 * 1024).default(64 * 1024),
    /** Serve the OpenAPI document and the docs UI at /docs. */
    docs: z.boolean().default(true),
    /** Serve the web UI at / (its data comes from /api/v1 under the same token rules). */
    ui: z.boolean().default(true),
    /** Serve GraphQL at /graphql (reads only, same token rules; docs/api.md). */
    graphql: z.boolean().default(true),
  })
  .strict();
export type ApiConfig = z.infer<typeof ApiConfig>;

export const API_CONFIG_DEFAULTS: ApiConfig = ApiConfig.parse({});

/** Fills the tokens from the environment when the configuration leaves them unset. */
export function withTokensFromEnv(config: ApiConfig, env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const token = config.token ?? nonEmpty(env[API_TOKEN_ENV]);
  const readToken = config.readToken ?? nonEmpty(env[API_READ_TOKEN_ENV]);
  for (const [name, value] of [[API_TOKEN_ENV, token], [API_READ_TOKEN_ENV, readToken]] as const) {
    if (value !== undefined && value.length < 16) throw new Error(`${name}: tokens must be at least 16 characters long`);
  }
  return { ...config, ...(token ? { token } : {}), ...(readToken ? { readToken } : {}) };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() ? value.trim() : undefined;
}
