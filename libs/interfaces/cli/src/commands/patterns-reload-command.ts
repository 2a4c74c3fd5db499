import { z } from 'zod';
import { clientFor } from './client-args.js';
import { booleanFlag, CliUsageError, EXIT, type CliArgs, type CliIo } from './command-io.js';
import { printJson, runClientCommand } from './run-client-command.js';

const ReloadResult = z.object({
  patterns: z.number(),
  errors: z.array(z.object({ file: z.string(), line: z.number().optional(), column: z.number().optional(), reason: z.string() })),
});

/**
 * `tapio patterns reload`: asks a running Tapio to re-read its pattern files now
 * (POST /api/v1/patterns/reload, needs TAPIO_TOKEN). A file the server refused keeps
 * its previous version there; the command lists it and exits 2, like `patterns validate`.
 */
export function patternsReloadCommand(args: CliArgs, io: CliIo): Promise<number> {
  return runClientCommand(io, async () => {
    if (args.positionals.length) throw new CliUsageError('usage: tapio patterns reload [--json]');
    const result = await clientFor(args, io).post('/api/v1/patterns/reload', ReloadResult, undefined);
    if (booleanFlag(args, 'json')) printJson(io, result);
    else {
      io.stdout.write(`Reloaded: ${result.patterns} pattern${result.patterns === 1 ? '' : 's'} active\n`);
      for (const error of result.errors) io.stderr.write(`${error.file}${error.line ? `:${error.line}${error.column ? `:${error.column}` : ''}` : ''}: ${error.reason} (previous version stays active)\n`);
    }
    return result.errors.length ? EXIT.usage : EXIT.ok;
  });
}
