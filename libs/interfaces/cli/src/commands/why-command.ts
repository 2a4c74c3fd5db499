import { formatEntity, parseEntityKey, WhyAnswer } from '@tapio/domain';
import { eventLine, insightBlock } from '../format/text.js';
import { clientFor, entityArg, entityPath, timeFlag } from './client-args.js';
import { booleanFlag, EXIT, type CliArgs, type CliIo } from './command-io.js';
import { printJson, runClientCommand } from './run-client-command.js';

const USAGE = 'tapio why KIND NAMESPACE/NAME | tapio why KIND NAME (cluster-scoped) [--since T] [--until T] [--json] [--server URL]';

const keyText = (key: string) => {
  const ref = parseEntityKey(key);
  return ref ? formatEntity(ref) : key;
};

/** `tapio why pod shop/checkout-5rkwm`: the story of an entity, from a running Tapio. */
export function whyCommand(args: CliArgs, io: CliIo): Promise<number> {
  return runClientCommand(io, async () => {
    const entity = entityArg(args, args.positionals, USAGE);
    const json = booleanFlag(args, 'json');
    const now = io.now?.() ?? new Date();
    const client = clientFor(args, io);
    const why = await client.get(`/api/v1/why/${entityPath(entity)}`, WhyAnswer, { since: timeFlag(args, 'since', now), until: timeFlag(args, 'until', now) });
    if (json) {
      printJson(io, why);
      return EXIT.ok;
    }
    const lines: string[] = [];
    if (why.insights.length === 0) {
      lines.push(`No incident explains ${formatEntity(why.entity)}${why.events.length ? `; its recent events:` : ' and it has no events in that range.'}`);
    } else {
      lines.push(`Why ${formatEntity(why.entity)}: ${why.insights.length} incident${why.insights.length > 1 ? 's' : ''}`, '');
      why.insights.forEach((insight, index) => lines.push(insightBlock(insight, index), ''));
    }
    if (why.causalChain.length) lines.push('Causal chain (earliest first):', ...why.causalChain.map(eventLine), '');
    // What links a failing caller to a cause in another service: who calls whom, and the evidence.
    if (why.dependencies?.length) lines.push('Depends on (evidence):', ...why.dependencies.map((edge) => `  ${keyText(edge.from)} -> ${keyText(edge.to)}${edge.evidence ? `: ${edge.evidence}` : ''}`), '');
    if (why.events.length) lines.push(`Events on ${formatEntity(why.entity)} (newest first):`, ...why.events.slice(0, 20).map(eventLine));
    if (why.events.length > 20) lines.push(`  ... ${why.events.length - 20} more (tapio events ${entity.kind.toLowerCase()} ${entity.namespace ? `${entity.namespace}/` : ''}${entity.name})`);
    io.stdout.write(`${lines.join('\n').trimEnd()}\n`);
    return EXIT.ok;
  });
}
