#!/usr/bin/env node
import { CommanderError } from 'commander';
import { UsageError } from './cli/args.js';
import { endQuietlyWhenClosed } from './cli/closed-stdout.js';
import { buildProgram } from './cli/program.js';
import { acceptSingleDashLongOptions, longOptionNames, withDefaultCommand } from './cli/single-dash-options.js';
import { ConfigError } from './config/config-error.js';

/**
 * The tapio command: commander parses (per-command help, unknown options and surplus
 * arguments refused with exit 2), the chosen command runs and its status is the exit
 * status. Exit statuses are listed in `tapio --help` (EXIT_STATUS_HELP).
 */
async function main(argv: readonly string[]): Promise<number> {
  let status = 0;
  const program = buildProgram(async (run) => {
    status = await run();
  });
  try {
    await program.parseAsync(withDefaultCommand(acceptSingleDashLongOptions(argv, longOptionNames(program))), { from: 'user' });
    return status;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof ConfigError || error instanceof UsageError) {
      process.stderr.write(`tapio: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`tapio: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

endQuietlyWhenClosed(process.stdout, (code) => process.exit(code));
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`tapio: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
