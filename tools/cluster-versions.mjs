import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const TOOLS = new URL('.', import.meta.url).pathname;

/** A pinned version of the local test cluster (tools/k8s/build/versions.sh), e.g. ETCD_VERSION. */
export function clusterVersion(name) {
  const text = readFileSync(join(TOOLS, 'k8s', 'build', 'versions.sh'), 'utf8');
  const version = new RegExp(`^${name}=(\\S+)$`, 'm').exec(text)?.[1];
  if (!version) throw new Error(`${name} is not pinned in tools/k8s/build/versions.sh`);
  return version;
}
