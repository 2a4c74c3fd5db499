// The local Kubernetes cluster for tests (docs/test-cluster.md). A suite calls
// `useTestCluster()` in beforeAll: it starts the host's one cluster or joins the running
// one, holding a lease in the name of this vitest run; the run's global teardown
// (tools/vitest/k8s-cluster.ts) drops the lease, and the cluster stops when the last run
// that started it is done. A machine that cannot run it fails with the reason.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const tools = import.meta.dirname;
const repo = resolve(tools, '../..');
const script = join(tools, 'cluster.sh');

/** The vitest run this process belongs to: the global set-up exports its PID. */
export function leasePid() {
  return Number(process.env.TAPIO_K8S_LEASE_PID ?? process.ppid);
}

function run(file, args, { input, timeoutMs = 600_000, env } = {}) {
  return new Promise((resolveRun, reject) => {
    const child = execFile(file, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
      else resolveRun(stdout);
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

/** Runs tools/k8s/cluster.sh COMMAND ARGS...; rejects with its reason on failure. */
export function clusterCommand(command, ...args) {
  return run('bash', [script, command, ...args]);
}

function parseEnv(text) {
  const values = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match) values[match[1]] = match[2].replace(/^'(.*)'$/, '$1');
  }
  return values;
}

let joined;

/**
 * Starts the cluster (or joins the running one) once per process and returns its handles.
 * Re-applies this checkout's deploy/rbac.yaml and mints a token of Tapio's ServiceAccount.
 */
export function useTestCluster() {
  joined ??= join_().catch((error) => {
    joined = undefined;
    throw error;
  });
  return joined;
}

async function join_() {
  await clusterCommand('up', '--lease', String(leasePid()));
  const env = parseEnv(await clusterCommand('env'));
  const kubeconfig = env.KUBECONFIG;
  const kubectlBin = readFileSync(join(env.TAPIO_K8S_HOME, 'state.env'), 'utf8').match(/^CLUSTER_CACHE=(.*)$/m)?.[1];
  const version = readFileSync(join(env.TAPIO_K8S_HOME, 'state.env'), 'utf8').match(/^KUBERNETES_VERSION=(.*)$/m)?.[1];
  const kubectlPath = join(kubectlBin ?? join(tools, '..', '.cache'), `kubernetes-${version}`, 'bin', 'kubectl');
  const kubectl = (args, options = {}) =>
    run(kubectlPath, ['--kubeconfig', options.kubeconfig ?? kubeconfig, ...args], { input: options.input, timeoutMs: options.timeoutMs ?? 120_000 });

  await kubectl(['apply', '-f', join(repo, 'deploy', 'rbac.yaml')]);
  const token = (await kubectl(['-n', 'tapio', 'create', 'token', 'tapio-kubeapi-collector', '--duration', '24h'])).trim();
  const admin = readFileSync(kubeconfig, 'utf8');
  const ca = /certificate-authority-data: (\S+)/.exec(admin)?.[1];
  const tapioKubeconfig = join(mkdtempSync(join(tmpdir(), 'tapio-k8s-sa-')), 'tapio.kubeconfig');
  writeFileSync(tapioKubeconfig, [
    'apiVersion: v1', 'kind: Config',
    'clusters:', '  - name: tapio-local', '    cluster:', `      server: ${env.TAPIO_K8S_API}`, `      certificate-authority-data: ${ca}`,
    'users:', '  - name: tapio-kubeapi-collector', '    user:', `      token: ${token}`,
    'contexts:', '  - name: tapio-local', '    context: { cluster: tapio-local, user: tapio-kubeapi-collector }',
    'current-context: tapio-local', '',
  ].join('\n'), { mode: 0o600 });

  return {
    home: env.TAPIO_K8S_HOME,
    server: env.TAPIO_K8S_API,
    kubeconfig,
    tapioKubeconfig,
    tapioToken: token,
    cniSpool: () => {
      if (!env.TAPIO_K8S_CNI_SPOOL) throw new Error(`the running cluster (${env.TAPIO_K8S_HOME}) was started without tapio-cni-tap in its CNI config (an older checkout started it): npm run cluster:down once no test run uses it, then start it again`);
      return env.TAPIO_K8S_CNI_SPOOL;
    },
    kubectl,
    compactAndRestartApiServer: async () => {
      await clusterCommand('compact-restart-apiserver');
    },
    restartApiServer: async () => {
      await clusterCommand('restart-apiserver');
    },
    stopKubelet: async () => {
      await clusterCommand('stop-kubelet');
    },
    startKubelet: async () => {
      await clusterCommand('start-kubelet');
    },
  };
}
