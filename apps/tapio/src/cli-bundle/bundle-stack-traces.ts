import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Where one position of a generated file came from, when its map says. */
export interface OriginalPosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * Maps positions (1-based, as stack frames give them) of a generated file through its
 * source map (`<file>.map`, read and parsed on the first lookup only: a command that shows
 * no stack never pays for the bundle's ~6 MB map). Undefined for a position the map does
 * not cover, or when there is no readable map.
 */
export class LazySourceMap {
  private map: SourceMap | null | undefined;

  constructor(private readonly file: string) {}

  lookup(line: number, column: number): OriginalPosition | undefined {
    const map = this.load();
    if (!map) return undefined;
    const entry = map.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
    if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return undefined;
    // esbuild names sources relative to the map's own folder.
    const source = new URL(entry.originalSource, pathToFileURL(`${this.file}.map`));
    return { file: source.protocol === 'file:' ? fileURLToPath(source) : source.href, line: entry.originalLine + 1, column: entry.originalColumn + 1 };
  }

  private load(): SourceMap | null {
    if (this.map === undefined) {
      try {
        this.map = new SourceMap(JSON.parse(readFileSync(`${this.file}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
      } catch {
        this.map = null;
      }
    }
    return this.map;
  }
}

/** One frame as V8 prints it, with its position in `file` replaced by the original one. */
export function mappedFrame(frame: NodeJS.CallSite, maps: ReadonlyMap<string, LazySourceMap>): string {
  const text = frame.toString();
  const file = frame.getFileName();
  const map = file ? maps.get(file) : undefined;
  const line = frame.getLineNumber();
  const column = frame.getColumnNumber();
  if (!map || line === null || column === null) return text;
  const original = map.lookup(line, column);
  return original ? text.replace(`${file}:${line}:${column}`, `${original.file}:${original.line}:${original.column}`) : text;
}

/**
 * Stack traces that name the TypeScript sources for frames in the given generated files
 * (the bundle runs without Node's --enable-source-maps, which would read and parse every
 * map at start). Frames elsewhere print as V8 prints them; the first line is the error's
 * own `name: message`, as V8's. Returns what puts the previous formatting back.
 */
export function mapStackTraces(files: readonly string[]): () => void {
  const maps = new Map(files.map((file) => [file, new LazySourceMap(file)]));
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
    let head: string;
    try {
      head = Error.prototype.toString.call(error);
    } catch {
      head = '<error>';
    }
    return [head, ...frames.map((frame) => `    at ${mappedFrame(frame, maps)}`)].join('\n');
  };
  return () => {
    Error.prepareStackTrace = previous;
  };
}
