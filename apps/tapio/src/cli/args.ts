/** A command's parsed command line, as the command implementations read it (flags without dashes). */
export interface ParsedArgs {
  command: string;
  positionals: string[];
  flags: Map<string, string | true>;
}

/** A command line commander accepted but a command refuses (exit status 2). */
export class UsageError extends Error {}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  if (value === true) throw new UsageError(`flag --${name} needs a value`);
  return value;
}

/** What commander parsed for one command, in the ParsedArgs shape. */
export function parsedArgs(command: string, positionals: ReadonlyArray<string | undefined>, options: Record<string, unknown>): ParsedArgs {
  const flags = new Map<string, string | true>();
  for (const [name, value] of Object.entries(options)) {
    if (value === true) flags.set(name, true);
    else if (typeof value === 'string') flags.set(name, value);
  }
  return { command, positionals: positionals.filter((item): item is string => item !== undefined), flags };
}

/** Runs one command; the status it returns becomes the exit status. */
export type Dispatch = (run: () => Promise<number>) => Promise<void>;
