// Tapio's image and the NATS image for tests on the local cluster: built by tools/image
// (cached per commit; a tree with changes is rebuilt) and imported into its containerd.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './helm-chart.js';

const run = promisify(execFile);

export interface BuiltImage {
  repository: string;
  tag: string;
  archive: string;
}

async function build(script: string): Promise<BuiltImage> {
  const { stdout } = await run('bash', [join(ROOT, 'tools/image', script)], { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 }).catch((error: Error & { stderr?: string }) => {
    throw new Error(`tools/image/${script} failed: ${error.stderr?.trim() || error.message}`);
  });
  const image = /^image=(.+)$/m.exec(stdout)?.[1];
  const archive = /^tar=(.+)$/m.exec(stdout)?.[1];
  if (!image || !archive) throw new Error(`tools/image/${script} printed no image= / tar= lines:\n${stdout}`);
  const colon = image.lastIndexOf(':');
  return { repository: image.slice(0, colon), tag: image.slice(colon + 1), archive };
}

/** Builds both images and imports them into the running test cluster's containerd. */
export async function importedImages(): Promise<{ tapio: BuiltImage; nats: BuiltImage }> {
  const tapio = await build('build.sh');
  const nats = await build('nats.sh');
  await run('bash', [join(ROOT, 'tools/image/import.sh'), tapio.archive, nats.archive], { timeout: 300_000 }).catch((error: Error & { stderr?: string }) => {
    throw new Error(`importing the images failed: ${error.stderr?.trim() || error.message}`);
  });
  return { tapio, nats };
}

/** The test cluster's kubectl (tools/.cache/kubernetes-<version>/bin/kubectl). */
export function clusterKubectl(): string {
  const version = /^KUBERNETES_VERSION=(\S+)$/m.exec(readFileSync(join(ROOT, 'tools/k8s/build/versions.sh'), 'utf8'))?.[1];
  const path = join(ROOT, `tools/.cache/kubernetes-${version}/bin/kubectl`);
  if (!existsSync(path)) throw new Error(`kubectl is not built at ${path}: run bash tools/setup.d/60-k8s-cluster.sh`);
  return path;
}
