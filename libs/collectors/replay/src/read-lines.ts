import type { Readable } from 'node:stream';

/** One line of input: its bytes (without the line break), or only its size when over the limit. */
export type InputLine = { bytes: Buffer; tooLong?: undefined } | { bytes?: undefined; tooLong: number };

const NEWLINE = 0x0a;
const RETURN = 0x0d;

/**
 * Splits a byte stream into lines without decoding it (so bytes that are not UTF-8 can be
 * reported instead of silently replaced), holding at most `maxBytes` of one line in
 * memory: a longer line is skipped to its end and reported by its size.
 */
export async function* readLines(input: Readable, maxBytes: number): AsyncGenerator<InputLine> {
  let parts: Buffer[] = [];
  let held = 0;
  let skipped = 0; // bytes of an over-long line being skipped; 0 when none
  const finish = (): InputLine => {
    if (skipped > 0) {
      const line: InputLine = { tooLong: skipped };
      skipped = 0;
      return line;
    }
    let bytes = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, held);
    if (bytes.length > 0 && bytes[bytes.length - 1] === RETURN) bytes = bytes.subarray(0, bytes.length - 1);
    parts = [];
    held = 0;
    return { bytes };
  };
  const take = (piece: Buffer) => {
    if (skipped > 0) {
      skipped += piece.length;
      return;
    }
    if (held + piece.length > maxBytes + 1) {
      // +1: a CRLF line of exactly maxBytes keeps its carriage return until the end.
      skipped = held + piece.length;
      parts = [];
      held = 0;
      return;
    }
    parts.push(piece);
    held += piece.length;
  };
  for await (const chunk of input) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    let start = 0;
    for (let end = buffer.indexOf(NEWLINE, start); end !== -1; end = buffer.indexOf(NEWLINE, start)) {
      take(buffer.subarray(start, end));
      yield finish();
      start = end + 1;
    }
    if (start < buffer.length) take(buffer.subarray(start));
  }
  if (held > 0 || skipped > 0) yield finish();
}
