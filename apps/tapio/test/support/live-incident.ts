import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../../../../tools/net/free-port.mjs';
import { useTestCluster, type TestCluster } from '../../../../tools/k8s/test-cluster.mjs';

const run = promisify(execFile);
const INCIDENTS = fileURLToPath(new URL('../../../../tools/k8s/incidents/', import.meta.url));

/** One of tools/k8s/incidents' scripts, run step by step (prepare, provoke, cleanup) in a namespace of its own. */
export interface LiveIncident {
  ns: string;
  step(step: string): Promise<{ stdout: string; stderr: string }>;
}

/** `script` (a file of tools/k8s/incidents) in a fresh namespace `<prefix>-<random>`, so runs of other worktrees do not meet. */
export function liveIncident(script: string, prefix: string, stepTimeoutMs: number): LiveIncident {
  const ns = `${prefix}-${randomBytes(3).toString('hex')}`;
  return { ns, step: (step) => run('bash', [join(INCIDENTS, script), step], { env: { ...process.env, INCIDENT_NS: ns }, timeout: stepTimeoutMs }) };
}

/** What a live-cluster test starts with: the test cluster (joined or started), a temp directory, and a free port for Tapio's API. */
export interface LiveWorkspace {
  cluster: TestCluster;
  dir: string;
  port: number;
  /** Tapio's REST API base URL on `port`. */
  server: string;
}

export async function liveWorkspace(prefix: string): Promise<LiveWorkspace> {
  const cluster = await useTestCluster();
  const dir = await mkdtemp(join(tmpdir(), `tapio-${prefix}-`));
  const port = await freePort();
  return { cluster, dir, port, server: `http://127.0.0.1:${port}` };
}
