import { pageOf, UnifiedEvent } from '@tapio/domain';
import { eventLine } from '../format/text.js';
import { clientFor, entityArg, timeFlag } from './client-args.js';
import { booleanFlag, EXIT, integerFlag, stringFlag, type CliArgs, type CliIo } from './command-io.js';
import { printJson, runClientCommand } from './run-client-command.js';

const USAGE = 'tapio events [KIND NAMESPACE/NAME] [--type T1,T2] [--severity S] [--since T] [--until T] [--limit N] [--cursor C] [--json]';

/** `tapio events`: events newest first, filtered, one page at a time. */
export function eventsCommand(args: CliArgs, io: CliIo): Promise<number> {
  return runClientCommand(io, async () => {
    const entity = args.positionals.length ? entityArg(args, args.positionals, USAGE) : undefined;
    const now = io.now?.() ?? new Date();
    const client = clientFor(args, io);
    const page = await client.get('/api/v1/events', pageOf(UnifiedEvent), {
      ...(entity ? { kind: entity.kind.toLowerCase(), name: entity.name, ...(entity.namespace ? { namespace: entity.namespace } : {}) } : {}),
      type: stringFlag(args, 'type'),
      severity: stringFlag(args, 'severity'),
      since: timeFlag(args, 'since', now),
      until: timeFlag(args, 'until', now),
      limit: integerFlag(args, 'limit', 1, 1000),
      cursor: stringFlag(args, 'cursor'),
    });
    if (booleanFlag(args, 'json')) {
      printJson(io, page);
      return EXIT.ok;
    }
    const lines = page.items.length ? page.items.map(eventLine) : ['No events match.'];
    if (page.nextCursor) lines.push(`More: add --cursor ${page.nextCursor}`);
    io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  });
}
