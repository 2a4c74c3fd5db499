import { readFileSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { FSWatcher } from 'chokidar';
import { silentLogger, type BehaviorPattern, type Logger, type PatternLoadError, type PatternSet, type PatternSource } from '@tapio/domain';
import { parsePatternFile } from './parse-pattern-file.js';
import { bundledByStamp, patternTextKey, type PatternBundle } from './pattern-bundle.js';

/**
 * Two files defining one pattern name: the first (in directory order) stays, the later one
 * is rejected, never renamed behind the user's back (feedback, history and `tapio why` key on
 * the name). Seed 002's oom-cascade example is the case in point: it has the built-in's name.
 */
export function duplicateReason(name: string, existing: string): string {
  return `pattern "${name}" is already defined in ${existing}, which stays active; give this one another metadata.name, or set correlation.builtinPatterns: false if it is meant to replace a built-in pattern`;
}

const YAML_EXTENSIONS = new Set(['.yaml', '.yml']);
/** chokidar's window for repeated 'change' events of one path. */
const CHOKIDAR_THROTTLE_MS = 50;

interface FileState {
  /** The text last read, so a rescan re-parses only files whose content changed. */
  text: string | undefined;
  /** The SHA-256 of the text instead, when the first load took the file from the bundle by its size and mtime, unread. */
  key?: string;
  patterns: BehaviorPattern[];
  errors: PatternLoadError[];
}

export interface DirectoryPatternSourceOptions {
  debounceMs?: number;
  logger?: Logger;
  /** Poll instead of relying on file system events (network file systems); interval in ms. */
  pollIntervalMs?: number;
  /** Pre-parsed files by text (the built-in patterns' bundle): a file with exactly such a text is not parsed again. */
  bundle?: PatternBundle;
}

/**
 * Behavior patterns from one or more directories of YAML files, hot reloaded: a
 * changed file is live within the debounce delay; an invalid file keeps its previous
 * valid version active and is reported with file, line and reason; a deleted file's
 * patterns go away. A pattern name defined by two files is an error on the later one, in
 * the order of the directories given (the built-in one first), then by file name.
 *
 * Any change in a directory rescans the whole directory and compares contents, rather
 * than trusting the changed entry's name: the kubelet updates a mounted ConfigMap by
 * writing a new timestamped folder and renaming a `..data` symlink over the old one,
 * so the events name `..data_tmp`, `..data` and the folders, never `rules.yaml` (a
 * symlink through `..data` that itself never changes). chokidar does the watching.
 */
export class DirectoryPatternSource implements PatternSource {
  private readonly files = new Map<string, FileState>();
  private readonly directories: string[];

  constructor(
    directories: readonly string[],
    private readonly options: DirectoryPatternSourceOptions = {},
  ) {
    this.directories = directories.map((directory) => resolve(directory));
  }

  async load(): Promise<PatternSet> {
    for (const directory of this.directories) await this.rescan(directory, true);
    return this.snapshot();
  }

  async watch(onChange: (set: PatternSet) => void): Promise<() => Promise<void>> {
    const logger = this.options.logger ?? silentLogger;
    const timers = new Map<string, NodeJS.Timeout>();
    const debounce = this.options.debounceMs ?? 50;
    const watchers: FSWatcher[] = [];
    // chokidar loads only in a process that watches (not in `tapio analyze`).
    const { watch: watchPaths } = await import('chokidar');
    for (const directory of this.directories) {
      const watcher = watchPaths(directory, {
        depth: 0,
        ignoreInitial: true,
        followSymlinks: false,
        ...(this.options.pollIntervalMs ? { usePolling: true, interval: this.options.pollIntervalMs, binaryInterval: this.options.pollIntervalMs } : {}),
      });
      // chokidar drops a second 'change' of one path within 50 ms, so an edit right after
      // another could go unseen: every burst of events is followed by one more rescan
      // after that window (cheap: it re-parses only files whose text changed).
      const schedule = (delayMs: number, settle: boolean) => {
        clearTimeout(timers.get(directory));
        timers.set(
          directory,
          setTimeout(() => {
            timers.delete(directory);
            this.rescan(directory, false).then(
              (changed) => {
                if (changed) onChange(this.snapshot());
                if (settle && !timers.has(directory)) schedule(CHOKIDAR_THROTTLE_MS * 2, false);
              },
              (error: unknown) => logger.error({ err: error, directory }, 'pattern directory rescan failed; the patterns loaded before stay active'),
            );
          }, delayMs),
        );
      };
      watcher.on('all', () => schedule(debounce, true));
      watcher.on('error', (error) => logger.error({ err: error, directory }, 'pattern directory watch failed'));
      await new Promise<void>((ready) => watcher.once('ready', ready));
      watchers.push(watcher);
    }
    return async () => {
      for (const timer of timers.values()) clearTimeout(timer);
      await Promise.all(watchers.map((watcher) => watcher.close()));
    };
  }

  /** Reads every pattern file of the directory; true when a file appeared, changed or went. */
  private async rescan(directory: string, initial: boolean): Promise<boolean> {
    let names: string[];
    try {
      names = await readdir(directory);
    } catch (error) {
      const reason = `pattern directory ${directory} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
      if (initial) throw new Error(reason);
      (this.options.logger ?? silentLogger).error({ directory }, `${reason}; the patterns loaded before stay active`);
      return false;
    }
    const present = new Set(names.filter((name) => YAML_EXTENSIONS.has(extname(name)) && !name.startsWith('..')).map((name) => join(directory, name)));
    let changed = false;
    for (const file of [...present].sort()) if (await this.reload(file, initial)) changed = true;
    for (const file of [...this.files.keys()]) {
      if (file.startsWith(`${directory}/`) && !file.slice(directory.length + 1).includes('/') && !present.has(file)) {
        this.files.delete(file);
        changed = true;
      }
    }
    return changed;
  }

  /**
   * Re-reads one file; true when its content differs from what was read before. The first
   * load reads synchronously: start-up waits for it anyway, and a few dozen small reads
   * through the thread pool took longer than the reads themselves on a busy machine.
   */
  private async reload(file: string, initial: boolean): Promise<boolean> {
    if (initial && this.fromStamp(file)) return true;
    let text: string;
    try {
      text = initial ? readFileSync(file, 'utf8') : await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.files.delete(file);
      this.keepPrevious(file, undefined, [{ file, reason: `cannot read: ${(error as Error).message}` }]);
      return true;
    }
    const previous = this.files.get(file);
    if (previous && (previous.text === text || (previous.key !== undefined && previous.key === patternTextKey(text)))) return false;
    const preparsed = this.options.bundle?.get(patternTextKey(text));
    if (preparsed) {
      this.files.set(file, { text, patterns: preparsed, errors: [] });
      return true;
    }
    const parsed = parsePatternFile(text, file);
    if (parsed.errors.length) {
      this.keepPrevious(file, text, parsed.errors);
      for (const error of parsed.errors) (this.options.logger ?? silentLogger).error({ file: error.file, line: error.line, reason: error.reason }, 'invalid behavior pattern; previous version stays active');
      return true;
    }
    this.files.set(file, { text, patterns: parsed.patterns, errors: [] });
    return true;
  }

  /**
   * The first load takes a file the bundle lists with its size and mtime without reading it
   * when both are unchanged (see bundledByStamp); any other file is read (and hashed).
   */
  private fromStamp(file: string): boolean {
    const stamps = this.options.bundle?.stamps;
    if (!stamps?.has(file)) return false;
    let stat;
    try {
      stat = statSync(file);
    } catch {
      return false;
    }
    const bundled = bundledByStamp(this.options.bundle, file, stat);
    if (!bundled) return false;
    this.files.set(file, { text: undefined, key: bundled.key, patterns: bundled.patterns, errors: [] });
    return true;
  }

  private keepPrevious(file: string, text: string | undefined, errors: PatternLoadError[]): void {
    const previous = this.files.get(file);
    this.files.set(file, { text, patterns: previous?.patterns ?? [], errors });
  }

  private snapshot(): PatternSet {
    const patterns: BehaviorPattern[] = [];
    const errors: PatternLoadError[] = [];
    const files: Record<string, string[]> = {};
    const owner = new Map<string, string>();
    // Directories in the order configured (the built-in one first), files by name within
    // each: which of two files defining one name stays never depends on where they live.
    const rank = (file: string) => this.directories.findIndex((directory) => file.startsWith(`${directory}/`) && !file.slice(directory.length + 1).includes('/'));
    // Paths in code-point order: the same on every machine (a locale's collation is not), and
    // no ICU collator to build, ~10 ms of every command's start.
    for (const [file, state] of [...this.files].sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))) {
      errors.push(...state.errors);
      files[file] = [];
      for (const pattern of state.patterns) {
        const existing = owner.get(pattern.metadata.name);
        if (existing) {
          errors.push({ file, reason: duplicateReason(pattern.metadata.name, existing) });
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
