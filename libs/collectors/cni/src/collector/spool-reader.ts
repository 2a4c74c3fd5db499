import { open, readFile, rename, stat, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Reads the lines appended to a file from a saved byte offset. The offset only moves past a
 * line once the caller accepted it, and is saved (temporary file + rename), so a restart
 * neither loses nor repeats a line. A file shorter than the offset was replaced or truncated:
 * it is read from its start.
 */
export class SpoolReader {
  private offset = 0;

  constructor(
    private readonly file: string,
    private readonly offsetFile: string,
  ) {}

  async load(): Promise<void> {
    const saved = await readFile(this.offsetFile, 'utf8').catch(() => '');
    const parsed = Number(saved.trim());
    this.offset = Number.isSafeInteger(parsed) && parsed >= 0 ? parsed : 0;
  }

  /** Hands each complete new line to `accept` in order; false when the file does not exist (yet); throws when it cannot be read. */
  async readNew(accept: (line: string) => Promise<void>): Promise<boolean> {
    let size: number;
    try {
      const found = await stat(this.file);
      // A directory in its place (a hostPath mounted before the file existed) is an error, and
      // must not reset the offset: once the file is back, reading resumes where it stopped.
      if (!found.isFile()) throw new Error(`${this.file} is not a regular file`);
      size = found.size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    if (size < this.offset) this.offset = 0;
    if (size === this.offset) return true;
    const handle = await open(this.file, 'r');
    const before = this.offset;
    try {
      const buffer = Buffer.alloc(size - this.offset);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
      let start = 0;
      // Only complete lines: a line still being appended is read again once its newline is there.
      for (let end = buffer.indexOf(10, start); end !== -1 && end < bytesRead; end = buffer.indexOf(10, start)) {
        const line = buffer.subarray(start, end).toString('utf8');
        if (line.trim()) await accept(line);
        start = end + 1;
        this.offset = before + start;
      }
    } finally {
      await handle.close();
    }
    if (this.offset !== before) await this.save();
    return true;
  }

  private async save(): Promise<void> {
    await mkdir(dirname(this.offsetFile), { recursive: true });
    const temporary = `${this.offsetFile}.${process.pid}.tmp`;
    await writeFile(temporary, String(this.offset));
    await rename(temporary, this.offsetFile);
  }
}
