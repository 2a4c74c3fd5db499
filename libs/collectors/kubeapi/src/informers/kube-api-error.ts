/**
 * Why a call to the API server failed, in the categories health reports and retries care
 * about. `client`: the request could not even be made (credentials plugin, TLS settings).
 */
export type KubeApiFailure = 'unreachable' | 'unauthorized' | 'forbidden' | 'expired' | 'http' | 'protocol' | 'client';

export class KubeApiError extends Error {
  constructor(
    readonly failure: KubeApiFailure,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KubeApiError';
  }
}

export function failureOfStatus(status: number): KubeApiFailure {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 410) return 'expired';
  return 'http';
}

/** Builds the error for a non-2xx answer, using the `Status` message the server sent when there is one. */
export function errorFromStatus(what: string, status: number, body: string): KubeApiError {
  let detail = body.trim().slice(0, 300);
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') detail = parsed.message;
  } catch {
    // Not JSON: keep the raw text.
  }
  return new KubeApiError(failureOfStatus(status), `${what}: HTTP ${status}${detail ? ` (${detail})` : ''}`, status);
}

/** Wraps a transport failure (refused, reset, DNS, TLS) with the URL it concerned. */
export function unreachable(what: string, cause: unknown): KubeApiError {
  const root = (cause as { cause?: unknown }).cause ?? cause;
  const code = (root as { code?: unknown }).code;
  const message = root instanceof Error ? root.message : String(root);
  return new KubeApiError('unreachable', `${what}: API server unreachable (${typeof code === 'string' ? `${code} ` : ''}${message})`, undefined, {
    cause,
  });
}
