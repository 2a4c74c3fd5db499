import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { errorBody } from './api-error.js';

/** The host name of a Host header, lower-cased, without port or IPv6 brackets. */
export function hostName(header: string): string {
  const text = header.trim().toLowerCase();
  if (text.startsWith('[')) return text.slice(1, text.indexOf(']') > 0 ? text.indexOf(']') : undefined);
  const colon = text.lastIndexOf(':');
  return colon >= 0 && text.indexOf(':') === colon ? text.slice(0, colon) : text;
}

/**
 * Whether a request may be served under this Host. A web page on another site can make a
 * browser send requests to the API under the attacker's DNS name rebound to 127.0.0.1
 * (DNS rebinding): reads are open by default, so the page could read them. Such requests
 * carry the attacker's name in Host. IP literals and `localhost` cannot be rebound; any
 * other name must be listed in `api.allowedHosts` (`*` allows every name).
 */
export function hostAllowed(header: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (header === undefined || header === '') return false;
  const name = hostName(header);
  if (allowed.has('*') || name === 'localhost' || isIP(name) !== 0) return true;
  return allowed.has(name);
}

/** Refuses, before any route runs, requests whose Host is not allowed (403, with what to configure). */
export function installHostCheck(app: FastifyInstance, allowedHosts: readonly string[]): void {
  const allowed = new Set(allowedHosts.map((host) => host.toLowerCase()));
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.host;
    if (hostAllowed(header, allowed)) return;
    await reply
      .code(403)
      .send(errorBody(403, `Host "${header ?? ''}" is not allowed: use an IP address or localhost, or add the name to api.allowedHosts (DNS rebinding protection)`));
  });
}
