import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The journal cursor of the last entry handed to Tapio, kept in a file so a restart resumes
 * right after it (`journalctl --after-cursor`). Written to a temporary file and renamed, so
 * a crash mid-write leaves the previous cursor, never half of one.
 */
export class CursorStore {
  private pending: string | undefined;
  private saved: string | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly flushMs: number,
  ) {}

  /** The saved cursor, or undefined on a first start. */
  load(): string | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8').trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(`journal cursor file ${this.file} cannot be read: ${(error as Error).message}`);
    }
    // A cursor is "s=...;i=...;b=...;m=...;t=...;x=...": anything else was not written by Tapio.
    if (!/^s=[0-9a-f]+;i=[0-9a-f]+;/.test(text)) throw new Error(`journal cursor file ${this.file} holds no journal cursor ("${text.slice(0, 60)}")`);
    this.saved = text;
    return text;
  }

  /** Remembers the cursor of an entry Tapio accepted; written within flushMs. */
  advance(cursor: string): void {
    this.pending = cursor;
    if (this.flushMs === 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushMs);
  }

  /** The cursor the next start resumes after. */
  current(): string | undefined {
    return this.pending ?? this.saved;
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending === undefined || this.pending === this.saved) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${this.pending}\n`);
    renameSync(temporary, this.file);
    this.saved = this.pending;
  }
}
