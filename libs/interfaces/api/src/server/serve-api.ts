import type { FastifyInstance } from 'fastify';
import type { ApiConfig } from '../config/api-config.js';

/** Listens on the configured address (loopback unless configured otherwise); resolves to the URL. */
export async function listenApi(app: FastifyInstance, config: Pick<ApiConfig, 'host' | 'port'>): Promise<string> {
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  if (!address || typeof address === 'string') return `http://${config.host}:${config.port}`;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
