import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CursorStore } from './cursor-store.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function file(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tapio-cursor-'));
  dirs.push(dir);
  return join(dir, 'sub', 'journal.cursor');
}
const CURSOR = 's=efda22f5;i=15a;b=1fc0;m=37e4;t=661af;x=9eda';

describe('CursorStore', () => {
  it('has nothing on a first start, and keeps the last cursor across instances once flushed', () => {
    const path = file();
    const store = new CursorStore(path, 1000);
    expect(store.load()).toBeUndefined();
    store.advance('s=1;i=1;');
    store.advance(CURSOR);
    expect(store.current()).toBe(CURSOR);
    store.flush();
    expect(readFileSync(path, 'utf8')).toBe(`${CURSOR}\n`);
    expect(new CursorStore(path, 1000).load()).toBe(CURSOR);
  });

  it('refuses a file that holds no cursor, naming it', () => {
    const path = file();
    new CursorStore(path, 0).advance(CURSOR);
    writeFileSync(path, 'garbage');
    expect(() => new CursorStore(path, 0).load()).toThrow(`journal cursor file ${path} holds no journal cursor ("garbage")`);
  });
});
