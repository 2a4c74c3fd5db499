import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { silentLogger, type BehaviorPattern, type Logger, type PatternLoadError, type PatternSet, type PatternSource } from '@tapio/domain';
import { parsePatternFile } from './parse-pattern-file.js';

const YAML_EXTENSIONS = new Set(['.yaml', '.yml']);

interface FileState {
  patterns: BehaviorPattern[];
  errors: PatternLoadError[];
}

/**
 * Behavior patterns from one or more directories of YAML files, hot reloaded: a
 * changed file is live within the debounce delay; an invalid file keeps its previous
 * valid version active and is reported with file, line and reason; a deleted file's
 * patterns go away. A pattern name defined by two files is an error on the later one.
 */
export class DirectoryPatternSource implements PatternSource {
  private readonly files = new Map<string, FileState>();
  private readonly directories: string[];

  constructor(
    directories: readonly string[],
    private readonly options: { debounceMs?: number; logger?: Logger } = {},
  ) {
    this.directories = directories.map((directory) => resolve(directory));
  }

  async load(): Promise<PatternSet> {
    for (const directory of this.directories) {
      let names: string[];
      try {
        names = await readdir(directory);
      } catch (error) {
        throw new Error(`pattern directory ${directory} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      for (const name of names.sort()) if (YAML_EXTENSIONS.has(extname(name))) await this.reload(join(directory, name));
    }
    return this.snapshot();
  }

  async watch(onChange: (set: PatternSet) => void): Promise<() => Promise<void>> {
    const watchers: FSWatcher[] = [];
    const timers = new Map<string, NodeJS.Timeout>();
    const debounce = this.options.debounceMs ?? 50;
    for (const directory of this.directories) {
      const watcher = watch(directory, (_event, name) => {
        if (!name || !YAML_EXTENSIONS.has(extname(name.toString()))) return;
        const file = join(directory, name.toString());
        clearTimeout(timers.get(file));
        timers.set(
          file,
          setTimeout(() => {
            timers.delete(file);
            void this.reload(file).then(() => onChange(this.snapshot()));
          }, debounce),
        );
      });
      watcher.on('error', (error) => (this.options.logger ?? silentLogger).error({ err: error, directory }, 'pattern directory watch failed'));
      watchers.push(watcher);
    }
    return async () => {
      for (const timer of timers.values()) clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    };
  }

  private async reload(file: string): Promise<void> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.files.delete(file);
        return;
      }
      this.keepPrevious(file, [{ file, reason: `cannot read: ${(error as Error).message}` }]);
      return;
    }
    const parsed = parsePatternFile(text, file);
    if (parsed.errors.length) {
      this.keepPrevious(file, parsed.errors);
      for (const error of parsed.errors) (this.options.logger ?? silentLogger).error({ file: error.file, line: error.line, reason: error.reason }, 'invalid behavior pattern; previous version stays active');
      return;
    }
    this.files.set(file, { patterns: parsed.patterns, errors: [] });
  }

  private keepPrevious(file: string, errors: PatternLoadError[]): void {
    const previous = this.files.get(file);
    this.files.set(file, { patterns: previous?.patterns ?? [], errors });
  }

  private snapshot(): PatternSet {
    const patterns: BehaviorPattern[] = [];
    const errors: PatternLoadError[] = [];
    const files: Record<string, string[]> = {};
    const owner = new Map<string, string>();
    for (const [file, state] of [...this.files].sort(([a], [b]) => a.localeCompare(b))) {
      errors.push(...state.errors);
      files[file] = [];
      for (const pattern of state.patterns) {
        const existing = owner.get(pattern.metadata.name);
        if (existing) {
          errors.push({ file, reason: `pattern "${pattern.metadata.name}" is already defined in ${existing}` });
          continue;
        }
        owner.set(pattern.metadata.name, file);
        patterns.push(pattern);
        files[file]?.push(pattern.metadata.name);
      }
    }
    return { patterns, errors, files };
  }
}
