import type { Command, Option } from 'commander';

/** What completion needs of one command, read from the commander tree. */
interface CommandShape {
  path: string[];
  subcommands: Array<{ name: string; description: string }>;
  options: Array<{ names: string[]; long?: string; description: string; takesValue: boolean; choices?: readonly string[]; file: boolean }>;
  argumentChoices: string[];
  fileArgument: boolean;
}

const FILE_ARGUMENTS = new Set(['file', 'dir']);
/** Options whose value is a file (besides record's --output). */
const FILE_OPTIONS = new Set(['config']);

function optionShape(option: Option): CommandShape['options'][number] {
  const long = option.long?.replace(/^--/, '');
  return {
    names: [option.short, option.long].filter((name): name is string => Boolean(name)),
    ...(long ? { long } : {}),
    description: option.description,
    takesValue: option.required || option.optional,
    ...(option.argChoices ? { choices: option.argChoices } : {}),
    file: long !== undefined && FILE_OPTIONS.has(long),
  };
}

function shapes(command: Command, path: string[] = []): CommandShape[] {
  const self: CommandShape = {
    path,
    subcommands: command.commands.map((sub) => ({ name: sub.name(), description: sub.description() })),
    options: [...command.options.map(optionShape), { names: ['-h', '--help'], long: 'help', description: 'show help', takesValue: false, file: false }],
    argumentChoices: command.registeredArguments.flatMap((argument) => argument.argChoices ?? []),
    fileArgument: command.registeredArguments.some((argument) => FILE_ARGUMENTS.has(argument.name())),
  };
  if (path.length === 0) self.subcommands.push({ name: 'help', description: 'help for a command' });
  return [self, ...command.commands.flatMap((sub) => shapes(sub, [...path, sub.name()]))];
}

/** `record -o FILE` names a file, the client commands' `-o FORMAT` does not. */
function isFileOption(option: CommandShape['options'][number], shape: CommandShape): boolean {
  return option.file || (option.long === 'output' && shape.path[0] === 'record');
}

function bash(tree: CommandShape[]): string {
  const key = (shape: CommandShape) => ['tapio', ...shape.path].join(' ');
  const nested = tree.filter((shape) => shape.path.length > 0).map((shape) => `"${key(shape)}"`);
  const values: string[] = [];
  const words: string[] = [];
  for (const shape of tree) {
    for (const option of shape.options.filter((item) => item.takesValue)) {
      const reply = option.choices ? `COMPREPLY=($(compgen -W "${option.choices.join(' ')}" -- "$cur"))` : isFileOption(option, shape) ? 'compopt -o filenames; COMPREPLY=($(compgen -f -- "$cur"))' : 'COMPREPLY=()';
      values.push(`    ${option.names.map((name) => `"${key(shape)}|${name}"`).join('|')}) ${reply}; return ;;`);
    }
    const all = [...shape.subcommands.map((sub) => sub.name), ...shape.argumentChoices, ...shape.options.flatMap((option) => option.names)];
    words.push(`    "${key(shape)}") words="${all.join(' ')}"; files=${shape.fileArgument ? 1 : 0} ;;`);
  }
  return `# tapio completion for bash. Load it with: source <(tapio completion bash)
_tapio() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="tapio" words="" files=0 i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "$path \${COMP_WORDS[i]}" in
      ${nested.join('|')}) path="$path \${COMP_WORDS[i]}" ;;
    esac
  done
  case "$path|$prev" in
${values.join('\n')}
  esac
  case "$path" in
${words.join('\n')}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  if [[ $files == 1 && $cur != -* ]]; then
    compopt -o filenames 2>/dev/null
    COMPREPLY+=($(compgen -f -- "$cur"))
  fi
}
complete -F _tapio tapio
`;
}

/** zsh runs the bash function through its bashcompinit layer (compinit first when the user has not). */
function zsh(tree: CommandShape[]): string {
  return `# tapio completion for zsh. Load it with: source <(tapio completion zsh)
(( \${+functions[compdef]} )) || { autoload -Uz compinit && compinit; }
autoload -U +X bashcompinit && bashcompinit
${bash(tree).split('\n').slice(1).join('\n')}`;
}

const fishQuote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function fish(tree: CommandShape[]): string {
  const lines = ['# tapio completion for fish. Load it with: tapio completion fish | source', 'complete -c tapio -f'];
  for (const shape of tree) {
    const leaf = shape.path[shape.path.length - 1];
    const here = leaf ? `__fish_seen_subcommand_from ${leaf}` : '__fish_use_subcommand';
    const notDeeper = shape.subcommands.length && leaf ? `; and not __fish_seen_subcommand_from ${shape.subcommands.map((sub) => sub.name).join(' ')}` : '';
    for (const sub of shape.subcommands) lines.push(`complete -c tapio -n ${fishQuote(here + notDeeper)} -a ${sub.name} -d ${fishQuote(sub.description)}`);
    if (shape.argumentChoices.length) lines.push(`complete -c tapio -n ${fishQuote(here)} -a ${fishQuote(shape.argumentChoices.join(' '))}`);
    if (shape.fileArgument) lines.push(`complete -c tapio -n ${fishQuote(here)} -F`);
    for (const option of shape.options) {
      const short = option.names.find((name) => /^-[^-]$/.test(name));
      const names = [...(option.long ? [`-l ${option.long}`] : []), ...(short ? [`-s ${short.slice(1)}`] : [])].join(' ');
      const value = !option.takesValue ? '' : option.choices ? ` -x -a ${fishQuote(option.choices.join(' '))}` : isFileOption(option, shape) ? ' -r -F' : ' -x';
      lines.push(`complete -c tapio -n ${fishQuote(here)} ${names}${value} -d ${fishQuote(option.description)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The completion script of `tapio completion SHELL`, generated from the commander definition so it never drifts from it. */
export function completionScript(shell: 'bash' | 'zsh' | 'fish', program: Command): string {
  const tree = shapes(program);
  if (shell === 'bash') return bash(tree);
  if (shell === 'zsh') return zsh(tree);
  return fish(tree);
}
