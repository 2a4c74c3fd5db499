import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-error.js';

export type Access = 'read' | 'write';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Bearer-token checks. Tokens are compared as SHA-256 digests with timingSafeEqual:
 * equal lengths whatever the input, so the comparison time reveals nothing about the
 * token. Every configured token is compared (no early exit) for the same reason.
 */
export class BearerAuth {
  private readonly writeDigest: Buffer | undefined;
  private readonly readDigests: Buffer[];

  constructor(private readonly options: { token?: string | undefined; readToken?: string | undefined; protectReads: boolean }) {
    this.writeDigest = options.token ? digest(options.token) : undefined;
    this.readDigests = [options.token, options.readToken].filter((token): token is string => Boolean(token)).map(digest);
    if (options.protectReads && this.readDigests.length === 0) {
      throw new Error('api.protectReads is on but no api.token or api.readToken is configured: nobody could read');
    }
  }

  get writesEnabled(): boolean {
    return this.writeDigest !== undefined;
  }

  /** The OpenAPI security requirement of a route with this access level. */
  security(access: Access): Array<Record<string, string[]>> {
    return access === 'write' || this.options.protectReads ? [{ bearer: [] }] : [];
  }

  check(request: FastifyRequest, access: Access): void {
    if (access === 'read' && !this.options.protectReads) return;
    const accepted = access === 'write' ? (this.writeDigest ? [this.writeDigest] : []) : this.readDigests;
    if (accepted.length === 0) {
      throw new ApiError(403, 'writing endpoints are disabled: the server has no api.token (or TAPIO_API_TOKEN) configured');
    }
    const header = request.headers.authorization;
    if (!header) throw new ApiError(401, 'missing bearer token: send "Authorization: Bearer <token>"', 'authorization');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new ApiError(401, 'malformed Authorization header: expected "Bearer <token>"', 'authorization');
    const presented = digest(match[1] as string);
    let ok = false;
    for (const expected of accepted) ok = timingSafeEqual(presented, expected) || ok;
    if (!ok) throw new ApiError(401, access === 'write' ? 'invalid token for a writing endpoint' : 'invalid token', 'authorization');
  }
}
