// Where the set-up put the Go commands the tests use (tools/setup.d/60-go-tools.sh).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The pinned version of a tool (tools/go-tools/versions.sh, NAME_VERSION=...; nats-server: NATS_SERVER_VERSION). */
export function goToolVersion(name) {
  const text = readFileSync(new URL('./versions.sh', import.meta.url), 'utf8');
  const variable = `${name.toUpperCase().replaceAll('-', '_')}_VERSION`;
  const match = new RegExp(`^${variable}=(\\S+)$`, 'm').exec(text);
  if (!match) throw new Error(`no ${variable} in tools/go-tools/versions.sh`);
  return match[1];
}

/** The built binary; a clear error (not a skip) when the set-up has not built it. */
export function goTool(name) {
  const version = goToolVersion(name);
  const path = `${ROOT}tools/.cache/${name}-${version}/${name}`;
  if (!existsSync(path)) throw new Error(`${name} ${version} is not built: run bash tools/setup.d/60-go-tools.sh (it builds it from the Go module proxy into ${path})`);
  return path;
}
