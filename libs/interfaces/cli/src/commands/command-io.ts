/** Parsed command line as the tapio app hands it over (flags without dashes). */
export interface CliArgs {
  positionals: readonly string[];
  flags: ReadonlyMap<string, string | true>;
}

/** Where a command writes, and the environment it reads (TAPIO_SERVER, TAPIO_TOKEN). */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: Readonly<Record<string, string | undefined>>;
  now?: () => Date;
}

/** Exit statuses of the client commands; `tapio help` documents them. */
export const EXIT = {
  ok: 0,
  /** The server failed (5xx) or answered something this client does not understand. */
  serverError: 1,
  /** Bad command line, or the server refused the request as invalid (400). */
  usage: 2,
  /** The entity, event, insight, pattern or prediction does not exist (404). */
  notFound: 4,
  /** Missing or wrong token (401), or writes disabled on the server (403). */
  unauthorized: 5,
  /** No server at the address, or it did not answer in time. */
  unreachable: 6,
} as const;

export class CliUsageError extends Error {}

export function stringFlag(args: CliArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  if (value === true) throw new CliUsageError(`--${name} needs a value`);
  return value;
}

export function booleanFlag(args: CliArgs, name: string): boolean {
  const value = args.flags.get(name);
  if (value === undefined) return false;
  if (value === true || value === 'true') return true;
  if (value === 'false') return false;
  throw new CliUsageError(`--${name} takes no value`);
}

export function integerFlag(args: CliArgs, name: string, min: number, max: number): number | undefined {
  const value = stringFlag(args, name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new CliUsageError(`--${name} must be a whole number from ${min} to ${max}, not "${value}"`);
  return parsed;
}
