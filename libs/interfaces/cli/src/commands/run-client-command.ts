import { ApiResponseError, ServerUnreachableError, TOKEN_ENV, UnexpectedResponseError } from '../client/tapio-client.js';
import { CliUsageError, EXIT, type CliIo } from './command-io.js';

function statusExit(status: number): number {
  if (status === 401 || status === 403) return EXIT.unauthorized;
  if (status === 404) return EXIT.notFound;
  if (status >= 400 && status < 500) return EXIT.usage;
  return EXIT.serverError;
}

/** Runs a client command, turning every failure into one readable line and its exit status. */
export async function runClientCommand(io: CliIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.stderr.write(`tapio: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof ServerUnreachableError) {
      io.stderr.write(`tapio: ${error.message}\n`);
      return EXIT.unreachable;
    }
    if (error instanceof ApiResponseError) {
      const hint =
        error.status === 401
          ? io.env[TOKEN_ENV]
            ? ` (the server did not accept ${TOKEN_ENV}; it must equal the server's api.token)`
            : ` (set ${TOKEN_ENV} to the server's api.token)`
          : '';
      io.stderr.write(`tapio: ${error.message}${hint}\n`);
      return statusExit(error.status);
    }
    if (error instanceof UnexpectedResponseError) {
      io.stderr.write(`tapio: ${error.message}\n`);
      return EXIT.serverError;
    }
    throw error;
  }
}

/** Prints JSON for --json. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
