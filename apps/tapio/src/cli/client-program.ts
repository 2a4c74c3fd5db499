import { Command, Option } from 'commander';
import type { CliArgs, CliIo } from '@tapio/cli-client';
import { parsedArgs, type Dispatch } from './args.js';
import { SEVERITY_CHOICES } from './severity-choices.js';

type ClientCommand = 'whyCommand' | 'eventsCommand' | 'insightsCommand' | 'patternsCommand' | 'patternsReloadCommand' | 'feedbackCommand';

const processIo = (): CliIo => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

/** Runs a client command (loaded on demand) with what commander parsed; `-o json` means --json. */
function client(dispatch: Dispatch, name: ClientCommand) {
  return (...received: unknown[]) => {
    const command = received[received.length - 1] as Command;
    const options = command.opts<Record<string, unknown>>();
    const positionals = received.slice(0, command.registeredArguments.length) as Array<string | undefined>;
    const args = parsedArgs(command.name(), positionals, options);
    if (options['output'] === 'json') args.flags.set('json', true);
    return dispatch(async () => (await import('@tapio/cli-client'))[name](args as CliArgs, processIo()));
  };
}

/** Options every command that asks a running Tapio has. */
function withClientOptions(command: Command): Command {
  return command
    .option('--server <url>', 'Tapio REST API (default: TAPIO_SERVER or http://127.0.0.1:7345)')
    .option('--json', 'print the API answer as JSON')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']));
}

function withRange(command: Command): Command {
  return command
    .option('--since <time>', 'from this time: RFC 3339, or a duration back from now (30m, 2h, 1d)')
    .option('--until <time>', 'up to this time: RFC 3339, or a duration back from now');
}

function withPaging(command: Command): Command {
  return command.option('--limit <n>', 'at most N items (1-1000)').option('--cursor <cursor>', 'the next page (printed after a full page)');
}

const namespaceOption = () => new Option('-n, --namespace <namespace>', 'namespace of NAME when NAMESPACE/ is not given (default "default")');
const severityOption = () => new Option('--severity <severity>', 'this severity or worse').choices(SEVERITY_CHOICES);

/** The commands that ask a running Tapio over its REST API (@tapio/cli-client). */
export function addClientCommands(program: Command, dispatch: Dispatch): void {
  withRange(withClientOptions(program.command('why')))
    .description('why an entity is in trouble: root cause, causal chain, impact (kinds as kubectl spells them)')
    .argument('<kind>', 'pod, deploy, svc, cm, node, pv... (or KIND/NAME)')
    .argument('[ref]', 'NAMESPACE/NAME, or NAME (with -n, or cluster-scoped)')
    .addOption(namespaceOption())
    .action(client(dispatch, 'whyCommand'));

  withPaging(withRange(withClientOptions(program.command('events'))))
    .description('events newest first, optionally of one entity')
    .argument('[kind]', 'kind of the entity')
    .argument('[ref]', 'NAMESPACE/NAME or NAME')
    .addOption(namespaceOption())
    .option('--type <types>', 'only these event types (comma separated)')
    .addOption(severityOption())
    .action(client(dispatch, 'eventsCommand'));

  withPaging(withRange(withClientOptions(program.command('insights'))))
    .description('the incidents Tapio explained; with an ID, one in full')
    .argument('[id-or-kind]', 'insight ID, or the kind of an entity')
    .argument('[ref]', 'NAMESPACE/NAME or NAME of the entity')
    .addOption(namespaceOption())
    .option('--pattern <pattern>', 'only insights of this pattern')
    .addOption(severityOption())
    .option('--all', 'also the incidents folded into another (one cause), each naming its root')
    .action(client(dispatch, 'insightsCommand'));

  const patterns = program.command('patterns').description('behavior patterns: list, validate files offline, reload a running Tapio');
  withClientOptions(patterns.command('list', { isDefault: true }))
    .description('patterns and their learned confidence; with NAME, one with its feedback history (the default)')
    .argument('[name]', 'pattern name')
    .action(client(dispatch, 'patternsCommand'));
  patterns
    .command('validate')
    .description('check a directory of BehaviorPattern YAML offline; exit 2 naming file and line when one is invalid')
    .argument('<dir>', 'pattern directory')
    .action((dir: string) => dispatch(async () => (await import('./patterns-validate-command.js')).patternsValidateCommand(dir)));
  withClientOptions(patterns.command('reload'))
    .description('make a running Tapio re-read its pattern files now (needs TAPIO_TOKEN)')
    .action(client(dispatch, 'patternsReloadCommand'));

  withClientOptions(program.command('feedback'))
    .description("tell Tapio whether a prediction was right (needs TAPIO_TOKEN, the server's api.token)")
    .argument('<prediction-id>', 'the prediction an insight printed')
    .option('--accurate', 'the root cause was right')
    .option('--inaccurate', 'the root cause was wrong')
    .addOption(new Option('--rating <rating>', 'how useful: -1, 0 or 1').choices(['-1', '0', '1']))
    .option('--comment <text>', 'what was right or wrong')
    .option('--user <name>', 'who gives the verdict (default: $USER); one verdict per prediction and user, a repeat replaces yours')
    .action(client(dispatch, 'feedbackCommand'));
}
