import type { Command } from 'commander';

/** Every long option name (without dashes) anywhere in the command tree. */
export function longOptionNames(command: Command): Set<string> {
  const names = new Set<string>();
  const visit = (node: Command) => {
    for (const option of node.options) if (option.long) names.add(option.long.slice(2));
    node.commands.forEach(visit);
  };
  visit(command);
  names.add('help');
  return names;
}

/**
 * Tapio has always accepted long options with one dash (`./bin/tapio -config tapio.yaml`,
 * Go style) and users run it that way; commander reads one dash as short options. A
 * single-dash word that is exactly a known long option name (optionally `=value`) is
 * therefore rewritten to two dashes before parsing. Anything else (short options such as
 * `-n shop`, `-ojson`, values after `--`) is left as it is.
 */
export function acceptSingleDashLongOptions(argv: readonly string[], names: ReadonlySet<string>): string[] {
  const end = argv.indexOf('--');
  return argv.map((arg, index) => {
    if (end !== -1 && index > end) return arg;
    const match = /^-([a-z][a-z-]+)(=.*)?$/.exec(arg);
    return match && names.has(match[1] as string) ? `-${arg}` : arg;
  });
}

/** `tapio` alone, or `tapio -config FILE`, means `tapio run`. */
export function withDefaultCommand(argv: readonly string[]): string[] {
  const first = argv[0];
  const programOnly = new Set(['-h', '--help', '-V', '--version']);
  if (first === undefined || (first.startsWith('-') && !programOnly.has(first))) return ['run', ...argv];
  return [...argv];
}
