import { Argument, Command, Option } from 'commander';
import { RUN_MODES } from '../config/run-modes.js';
import { parsedArgs, type Dispatch } from './args.js';
import { addClientCommands } from './client-program.js';
import { tapioVersion } from '../version.js';

export const EXIT_STATUS_HELP = `
Exit status:
  0  success
  1  runtime failure, or the server failed
  2  usage, configuration or input error (unknown option, invalid file, unreadable recording)
  3  a requested mode is not available in this set-up
  4  not found (client commands)
  5  token missing or refused (client commands)
  6  server unreachable (client commands)
Long options also work with one dash, as in ./bin/tapio -config tapio.yaml.`;

const configOption = () => new Option('--config <file>', 'configuration file (default: ./tapio.yaml if present)');

function addRunCommands(program: Command, dispatch: Dispatch): void {
  program
    .command('run')
    .description('run Tapio (the default command)')
    .addOption(configOption())
    .addOption(new Option('--mode <mode>', 'which stages this process runs (overrides "mode:" in the configuration)').choices(RUN_MODES))
    .option('--partition <n>', 'correlation worker or transformer for partition N of bus.nats.partitions')
    .option('--status-port <port>', 'serve /healthz, /readyz and /metrics on this port (overrides status.port; for several processes of one configuration on one host)')
    .action((options: Record<string, unknown>) => dispatch(async () => (await import('./run-command.js')).runCommand(parsedArgs('run', [], options))));

  program
    .command('analyze')
    .description('offline post-mortem of a recording: prints the stories, or the insight document with --json')
    .argument('<file>', 'RawEvent NDJSON recording, "-" for standard input')
    .option('--json', 'print the insight document as JSON')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']))
    .option('--verbose', 'log at info level while analysing')
    .addOption(configOption())
    .action((file: string, options: Record<string, unknown>) =>
      dispatch(async () => {
        const args = parsedArgs('analyze', [file], options);
        if (options['output'] === 'json') args.flags.set('json', true);
        await (await import('./readable-input.js')).requireReadableFile(file, 'recording');
        return (await import('./analyze-command.js')).analyzeCommand(args);
      }),
    );

  program
    .command('record')
    .description('record the Kubernetes API server (collectors.kubeapi) and every other configured collector as RawEvent NDJSON until Ctrl-C or the duration')
    .argument('[file]', 'output file (or --output)')
    .option('-o, --output <file>', 'output file')
    .option('--duration <duration>', 'stop after this long (10m, 1h)')
    .addOption(configOption())
    .action((file: string | undefined, options: Record<string, unknown>) => dispatch(async () => (await import('./record-command.js')).recordCommand(parsedArgs('record', [file], options))));
}

function addOfflineChecks(program: Command, dispatch: Dispatch): void {
  const config = program.command('config').description('work with tapio.yaml offline');
  config
    .command('check')
    .description('validate a configuration file (keys, types, pattern directories) without starting Tapio')
    .argument('<file>', 'configuration file')
    .action((file: string) => dispatch(async () => (await import('./config-check-command.js')).configCheckCommand(file)));

  program
    .command('completion')
    .description('print a shell completion script (bash: source <(tapio completion bash))')
    .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
    .action((shell: 'bash' | 'zsh' | 'fish') =>
      dispatch(async () => {
        const { completionScript } = await import('./completion.js');
        process.stdout.write(completionScript(shell, program));
        return 0;
      }),
    );

  program
    .command('version')
    .description('print the version')
    .action(() =>
      dispatch(async () => {
        process.stdout.write(`${versionLine()}\n`);
        return 0;
      }),
    );
}

export const versionLine = (): string => `tapio ${tapioVersion()} (node ${process.version})`;

/**
 * The whole `tapio` command line on commander: per-command help, unknown options and
 * surplus arguments refused, choices checked. Commands load their implementation on
 * demand, so `--help` and `version` answer without composing Tapio.
 */
export function buildProgram(dispatch: Dispatch): Command {
  const program = new Command('tapio')
    .description('Tapio answers WHY Kubernetes broke.')
    .version(versionLine(), '-V, --version', 'print the version')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'tapio: ')) })
    .addHelpText('after', EXIT_STATUS_HELP);
  addRunCommands(program, dispatch);
  addClientCommands(program, dispatch);
  addOfflineChecks(program, dispatch);
  return program;
}

