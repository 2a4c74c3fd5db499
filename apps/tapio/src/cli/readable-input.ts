import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { UsageError } from './args.js';

/**
 * Refuses an input file that cannot be read before any work starts, naming it and why
 * (a missing recording used to run an empty analysis and exit 0). "-" is standard input.
 */
export async function requireReadableFile(file: string, what: string): Promise<void> {
  if (file === '-') return;
  try {
    if ((await stat(file)).isDirectory()) throw new UsageError(`cannot read the ${what} ${file}: it is a directory`);
    await access(file, constants.R_OK);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read the ${what} ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
}
