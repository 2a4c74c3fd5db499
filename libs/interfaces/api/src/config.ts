// The API's light config entry (@tapio/api/config): the `api:` section's schema and defaults,
// for the configuration and the CLI, without the server (fastify, GraphQL, Swagger UI).
export { ApiConfig, API_CONFIG_DEFAULTS, DEFAULT_API_HOST, DEFAULT_API_PORT, API_TOKEN_ENV, API_READ_TOKEN_ENV, withTokensFromEnv } from './config/api-config.js';
