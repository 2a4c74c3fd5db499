import { newestFirst } from '@tapio/domain';

/** Cursor over (timestamp, id); opaque to clients. */
export function encodeCursor(timestamp: string, id: string): string {
  return Buffer.from(JSON.stringify([timestamp, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { timestamp: string; id: string } {
  try {
    const [timestamp, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof timestamp === 'string' && typeof id === 'string') return { timestamp, id };
  } catch {
    // falls through to the error below
  }
  throw new Error(`invalid cursor "${cursor}"`);
}

/** True when `item` comes strictly after the cursor in newest-first order. */
export function afterCursor(item: { timestamp: string; id: string }, cursor: { timestamp: string; id: string } | undefined): boolean {
  return cursor === undefined || newestFirst(cursor, item) < 0;
}
