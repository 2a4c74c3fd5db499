/** Parsed command line. Flags accept one or two dashes and "=value" or a separate value. */
export interface ParsedArgs {
  command: string;
  positionals: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(['config', 'mode', 'server', 'speed', 'since', 'until', 'type', 'severity', 'limit', 'comment', 'output', 'namespace', 'entity', 'cursor', 'token', 'kinds', 'duration', 'partition', 'pattern', 'rating']);

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string | true>();
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (arg.startsWith('-') && arg !== '-') {
      const body = arg.replace(/^--?/, '');
      const equals = body.indexOf('=');
      const name = equals === -1 ? body : body.slice(0, equals);
      if (!name) throw new UsageError(`malformed flag "${arg}"`);
      if (equals !== -1) {
        flags.set(name, body.slice(equals + 1));
      } else if (VALUE_FLAGS.has(name)) {
        const value = argv[index + 1];
        if (value === undefined) throw new UsageError(`flag -${name} needs a value`);
        flags.set(name, value);
        index += 1;
      } else {
        flags.set(name, true);
      }
      continue;
    }
    positionals.push(arg);
  }
  const command = positionals.shift() ?? 'run';
  return { command, positionals, flags };
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  if (value === true) throw new UsageError(`flag -${name} needs a value`);
  return value;
}
