import type { CliArgs, CliIo } from '@tapio/cli-client';

type ClientCommand = 'whyCommand' | 'eventsCommand' | 'insightsCommand' | 'patternsCommand' | 'feedbackCommand';

const processIo = (): CliIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

/** A `tapio` command that asks a running Tapio over HTTP; the client loads on demand. */
export function clientCommand(name: ClientCommand): (args: CliArgs) => Promise<number> {
  return async (args) => (await import('@tapio/cli-client'))[name](args, processIo());
}
