import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const repoRoot = resolve(import.meta.dirname, '../../../../..');
const cache = join(repoRoot, 'tools/.cache/kube-mock');

export interface KubeMock {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  /** A kubeconfig whose current context points at `server` (default: this mock). */
  writeKubeconfig(server?: string): string;
  /** A REST call; returns the parsed JSON body and throws on a non-2xx status. */
  request<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Starts fabric8's KubernetesMockServer in CRUD mode (tools/kube-mock) on a free loopback
 * port and waits until it answers. Built by tools/setup.d/50-kube-mock.sh.
 */
export async function startKubeMock(): Promise<KubeMock> {
  if (!existsSync(join(cache, 'lib')) || !existsSync(join(cache, 'target/classes'))) {
    throw new Error(`kube-mock is not built in ${cache}: run bash tools/setup.d/50-kube-mock.sh`);
  }
  const child = spawn('java', ['-Xmx512m', '-cp', `${join(cache, 'target/classes')}:${join(cache, 'lib/*')}`, 'dev.tapio.kubemock.KubeMockMain', '0'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const port = await listeningPort(child, stderr);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url);
  const dir = mkdtempSync(join(tmpdir(), 'tapio-kube-mock-'));
  let kubeconfigs = 0;

  return {
    url,
    port,
    writeKubeconfig(server = url) {
      const file = join(dir, `kubeconfig-${(kubeconfigs += 1)}.yaml`);
      writeFileSync(
        file,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          '- name: mock',
          '  cluster:',
          `    server: ${server}`,
          // client-node refuses plain http unless TLS verification is explicitly off.
          '    insecure-skip-tls-verify: true',
          'users:',
          '- name: tester',
          '  user:',
          '    token: test-token',
          'contexts:',
          '- name: mock',
          '  context:',
          '    cluster: mock',
          '    user: tester',
          'current-context: mock',
          '',
        ].join('\n'),
      );
      return file;
    },
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetch(url + path, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`kube-mock ${method} ${path}: HTTP ${response.status} ${text}`);
      return (text ? JSON.parse(text) : {}) as T;
    },
    async stop() {
      rmSync(dir, { recursive: true, force: true });
      await stopProcess(child);
    },
  };
}

function listeningPort(child: ChildProcess, stderr: string[]): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kube-mock did not start within 60 s: ${stderr.join('')}`));
    }, 60_000);
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kube-mock exited with ${code} before listening: ${stderr.join('')}`));
    });
  });
}

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/api/v1/namespaces`);
      if (response.ok) return;
    } catch {
      // Not accepting yet.
    }
    if (Date.now() > deadline) throw new Error(`kube-mock at ${url} not ready after 30 s`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.stdin?.end();
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
