import type { ErrorBody } from './types.ts';

const TOKEN_KEY = 'tapio.token';
/** Fired when the server wants a token (or a better one): the app opens its token dialog. */
export const AUTH_NEEDED = 'tapio:auth-needed';

/** An answer other than 2xx, with the server's own sentence. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The token lives for the browser tab only (sessionStorage): closing the tab forgets it. */
export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = storedToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? null : JSON.stringify(body), ...(signal ? { signal } : {}) });
  if (response.ok) return (await response.json()) as T;
  const error = (await response.json().catch(() => undefined)) as ErrorBody | undefined;
  if (response.status === 401) window.dispatchEvent(new CustomEvent(AUTH_NEEDED, { detail: method === 'POST' ? 'write' : 'read' }));
  throw new ApiFailure(response.status, error?.message ?? `${method} ${path}: HTTP ${response.status}`);
}

export const apiGet = <T>(path: string, signal?: AbortSignal) => request<T>('GET', path, undefined, signal);
export const apiPost = <T>(path: string, body: unknown) => request<T>('POST', path, body);

/** Path segment or query value, escaped. */
export const seg = (value: string) => encodeURIComponent(value);
