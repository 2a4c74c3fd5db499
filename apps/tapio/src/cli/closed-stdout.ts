import type { Writable } from 'node:stream';

/**
 * Ends the command quietly, with status 0, when whoever reads its standard output closes it
 * (`tapio help why | head`, `tapio analyze x --json | head -c 100`): the reader took what it
 * wanted, so neither an EPIPE stack trace nor a failing status would tell the user anything.
 * Any other error of the stream is thrown as before (an unhandled stream error).
 */
export function endQuietlyWhenClosed(stream: Writable, exit: (code: number) => void): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    exit(0);
  });
}
