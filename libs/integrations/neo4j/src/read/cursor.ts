/**
 * Page cursors over (timestamp, id), opaque to clients; the same encoding as the
 * embedded store so a client can switch stores without noticing.
 */
export function encodeCursor(timestamp: string, id: string): string {
  return Buffer.from(JSON.stringify([timestamp, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { timestamp: string; id: string } {
  try {
    const [timestamp, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof timestamp === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(timestamp))) return { timestamp, id };
  } catch {
    // falls through to the error below
  }
  throw new Error(`invalid cursor "${cursor}"`);
}
