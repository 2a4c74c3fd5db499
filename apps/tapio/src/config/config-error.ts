/**
 * A configuration problem, with where it is: file, YAML path, line and column. In a file of
 * its own, without the YAML parser and the configuration schema, so that `main.ts` can tell
 * this error apart without loading them (`tapio version`, `--help` and the client commands
 * never read a configuration).
 */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: Array<{ path: string; line?: number; column?: number; message: string }>,
  ) {
    super(
      `invalid configuration ${file}:\n${problems
        .map((problem) => `  ${file}${problem.line ? `:${problem.line}:${problem.column ?? 1}` : ''} ${problem.path ? `${problem.path}: ` : ''}${problem.message}`)
        .join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

