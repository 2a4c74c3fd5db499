const TIMEOUT_MS = 10_000;

/** A receiver answered with an error status or could not be reached. */
export class SinkHttpError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The receiver refused the notification in a way sending again cannot fix (a 4xx other than 408 and 429). */
export class SinkRefusedError extends SinkHttpError {
  override readonly name = 'SinkRefusedError';
}

/** 4xx other than 408 and 429 will not get better by sending again. */
const permanent = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;

/**
 * POSTs a JSON body; resolves on 2xx. A refusal that retrying cannot fix is thrown as
 * SinkRefusedError (the delivery gives that notification up), anything else as SinkHttpError.
 */
export async function postJson(url: string, body: string, headers: Record<string, string> = {}): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new SinkHttpError(`cannot reach ${new URL(url).origin} (${cause ?? (error as Error).message})`);
  }
  if (response.ok) {
    await response.arrayBuffer();
    return;
  }
  const text = (await response.text()).slice(0, 200);
  const message = `${new URL(url).origin} answered ${response.status}${text ? `: ${text}` : ''}`;
  throw permanent(response.status) ? new SinkRefusedError(message, response.status) : new SinkHttpError(message, response.status);
}
