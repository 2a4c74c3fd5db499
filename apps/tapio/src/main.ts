#!/usr/bin/env node
import { parseArgs, UsageError } from './cli/args.js';
import { HELP } from './cli/help.js';
import { clientCommand } from './cli/client-commands.js';
import { ConfigError } from './config/load-config.js';
import { tapioVersion } from './version.js';

type Command = (args: ReturnType<typeof parseArgs>) => Promise<number>;

// Commands that compose Tapio load it on demand: `version` and `help` answer without
// importing every collector and client library (seconds on a busy machine).
const COMMANDS: Record<string, Command> = {
  run: async (args) => (await import('./cli/run-command.js')).runCommand(args),
  analyze: async (args) => (await import('./cli/analyze-command.js')).analyzeCommand(args),
  record: async (args) => (await import('./cli/record-command.js')).recordCommand(args),
  why: clientCommand('whyCommand'),
  events: clientCommand('eventsCommand'),
  insights: clientCommand('insightsCommand'),
  patterns: clientCommand('patternsCommand'),
  feedback: clientCommand('feedbackCommand'),
  version: async () => {
    process.stdout.write(`tapio ${tapioVersion()} (node ${process.version})\n`);
    return 0;
  },
  help: async () => {
    process.stdout.write(HELP);
    return 0;
  },
};

async function main(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(argv);
  } catch (error) {
    process.stderr.write(`tapio: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args.flags.has('help') || args.flags.has('h')) return COMMANDS['help']!(args);
  if (args.flags.has('version')) return COMMANDS['version']!(args);
  const command = COMMANDS[args.command];
  if (!command) {
    process.stderr.write(`tapio: unknown command "${args.command}"\n\n${HELP}`);
    return 2;
  }
  try {
    return await command(args);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UsageError) {
      process.stderr.write(`tapio: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`tapio: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`tapio: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
