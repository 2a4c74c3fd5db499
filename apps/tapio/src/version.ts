import { readFileSync } from 'node:fs';

/** The version of the root package, read once. */
export function tapioVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
