import type { z } from 'zod';

/** Same default as the server's api.port (@tapio/api DEFAULT_API_PORT); the app's tests check they agree. */
export const DEFAULT_SERVER = 'http://127.0.0.1:7345';
export const SERVER_ENV = 'TAPIO_SERVER';
export const TOKEN_ENV = 'TAPIO_TOKEN';
const TIMEOUT_MS = 15_000;

/** The server could not be reached at all. */
export class ServerUnreachableError extends Error {
  constructor(
    readonly server: string,
    readonly reason: string,
  ) {
    super(`cannot reach the Tapio server at ${server} (${reason}); is \`tapio run\` serving the API there? Point at another with --server URL or ${SERVER_ENV}`);
  }
}

/** The server answered with an error status. */
export class ApiResponseError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The server answered 2xx with a body this client does not understand (version mismatch). */
export class UnexpectedResponseError extends Error {}

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'unknown host',
  EAI_AGAIN: 'host name lookup failed',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
};

function networkReason(error: unknown): string | undefined {
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${TIMEOUT_MS / 1000}s`;
  if (!(error instanceof TypeError)) return undefined;
  const cause = (error as TypeError & { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code;
  if (code) return NETWORK_REASONS[code] ?? code;
  return cause?.message ?? error.message;
}

/** A thin HTTP client for the Tapio REST API: base URL, bearer token, readable failures. */
export class TapioClient {
  readonly server: string;

  constructor(server: string, private readonly token: string | undefined) {
    let url: URL;
    try {
      url = new URL(server);
    } catch {
      throw new TypeError(`--server "${server}" is not a URL (expected for example ${DEFAULT_SERVER})`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`--server "${server}" must be an http:// or https:// URL`);
    this.server = url.href.replace(/\/+$/, '');
  }

  get<T extends z.ZodType>(path: string, schema: T, query: Record<string, string | number | undefined> = {}): Promise<z.output<T>> {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, String(value));
    const suffix = search.size ? `?${search}` : '';
    return this.request('GET', `${path}${suffix}`, schema);
  }

  post<T extends z.ZodType>(path: string, schema: T, body: unknown): Promise<z.output<T>> {
    return this.request('POST', path, schema, body);
  }

  private async request<T extends z.ZodType>(method: string, path: string, schema: T, body?: unknown): Promise<z.output<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers['authorization'] = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.server}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const reason = networkReason(error);
      if (reason) throw new ServerUnreachableError(this.server, reason);
      throw error;
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const error = json as { message?: unknown; field?: unknown } | undefined;
      const message = typeof error?.message === 'string' ? error.message : `${response.status} ${response.statusText}`;
      throw new ApiResponseError(response.status, message, typeof error?.field === 'string' ? error.field : undefined);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UnexpectedResponseError(`unexpected answer from ${this.server}${path.split('?')[0]} (${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'not JSON'}); is it a Tapio server of the same version?`);
    }
    return parsed.data;
  }
}
