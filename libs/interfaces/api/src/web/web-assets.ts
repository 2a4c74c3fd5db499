import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Where `npm run build` puts the web UI (vite, from libs/interfaces/api/ui): the same place from src/ and dist/. */
export const WEB_ASSETS_DIR = fileURLToPath(new URL('../../dist/ui-assets/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export interface WebAsset {
  body: Buffer;
  /** The body gzipped once at load, for browsers that accept it (a third of the size for the bundle). */
  gzipped?: Buffer;
  contentType: string;
}

const COMPRESSIBLE = /^(text\/|application\/json|image\/svg)/;

/**
 * The built UI, read once into memory: a page and a few hashed bundles (well under a
 * megabyte), so serving them needs no static-file server and no file access per request.
 * Resolves to undefined when the UI was not built.
 */
export async function loadWebAssets(dir: string = WEB_ASSETS_DIR): Promise<Map<string, WebAsset> | undefined> {
  let names: string[];
  try {
    names = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (!names.some((name) => relative(dir, name) === 'index.html')) return undefined;
  const assets = new Map<string, WebAsset>();
  for (const name of names) {
    const path = relative(dir, name).split(sep).join('/');
    const body = await readFile(name);
    const contentType = CONTENT_TYPES[extname(name)] ?? 'application/octet-stream';
    const gzipped = COMPRESSIBLE.test(contentType) && body.length > 1024 ? gzipSync(body, { level: 9 }) : undefined;
    assets.set(path, { body, contentType, ...(gzipped && gzipped.length < body.length ? { gzipped } : {}) });
  }
  return assets;
}
