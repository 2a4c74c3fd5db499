import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { clusterVersion } from '../cluster-versions.mjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../net/free-port.mjs';

const CACHE = new URL('../.cache/', import.meta.url).pathname;

/**
 * The etcd the local test cluster builds (tools/k8s/build/etcd.sh: the pinned etcd 3.6 from
 * the Go module proxy, cached in tools/.cache/etcd-<version>/bin), or $TAPIO_ETCD.
 */
export function etcdBinary() {
  if (process.env.TAPIO_ETCD) return process.env.TAPIO_ETCD;
  const binary = join(CACHE, `etcd-${clusterVersion('ETCD_VERSION')}`, 'bin', 'etcd');
  if (!existsSync(binary)) throw new Error(`${binary} not built: run tools/setup.d/60-k8s-cluster.sh (tools/k8s/build/etcd.sh), or set TAPIO_ETCD`);
  return binary;
}

/**
 * etcd members on loopback for one test run: free ports, data directories unique per run.
 * `start(n)` forms an n-member cluster; `extraArgs` go to every member (e.g. a tiny quota).
 */
export class EtcdCluster {
  static async start(size, extraArgs = []) {
    const root = mkdtempSync(join(tmpdir(), 'tapio-etcd-'));
    const members = [];
    for (let index = 0; index < size; index++) {
      members.push({ name: `m${index + 1}`, clientPort: await freePort(), peerPort: await freePort(), dataDir: join(root, `m${index + 1}`), child: undefined, stderr: '' });
    }
    const cluster = new EtcdCluster(root, members, extraArgs);
    for (const member of members) cluster.launch(member, 'new');
    await Promise.all(members.map((member) => cluster.waitHealthy(member)));
    return cluster;
  }

  constructor(root, members, extraArgs) {
    this.root = root;
    this.members = members;
    this.extraArgs = extraArgs;
    this.token = `tapio-${Math.random().toString(36).slice(2, 10)}`;
  }

  url(member) {
    return `http://127.0.0.1:${member.clientPort}`;
  }
  get endpoints() {
    return this.members.map((member) => this.url(member));
  }

  launch(member, state) {
    const initialCluster = this.members.map((peer) => `${peer.name}=http://127.0.0.1:${peer.peerPort}`).join(',');
    const args = [
      `--name=${member.name}`,
      `--data-dir=${member.dataDir}`,
      `--listen-client-urls=${this.url(member)}`,
      `--advertise-client-urls=${this.url(member)}`,
      `--listen-peer-urls=http://127.0.0.1:${member.peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${member.peerPort}`,
      `--initial-cluster=${initialCluster}`,
      `--initial-cluster-state=${state}`,
      `--initial-cluster-token=${this.token}`,
      '--heartbeat-interval=50',
      '--election-timeout=500',
      '--log-level=error',
      ...this.extraArgs,
    ];
    const child = spawn(etcdBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
    member.stderr = '';
    child.stderr.on('data', (chunk) => (member.stderr = (member.stderr + chunk.toString()).slice(-4000)));
    member.child = child;
  }

  async waitHealthy(member, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (member.child?.exitCode !== null && member.child?.exitCode !== undefined) throw new Error(`etcd ${member.name} exited with ${member.child.exitCode}: ${member.stderr}`);
      try {
        const response = await fetch(`${this.url(member)}/health`);
        if (response.ok && (await response.json()).health === 'true') return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`etcd ${member.name} not healthy within ${timeoutMs} ms: ${member.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** A call to the v3 JSON gateway of a member. */
  async call(member, path, body = {}) {
    const response = await fetch(`${this.url(member)}${path}`, { method: 'POST', body: JSON.stringify(body) });
    const json = await response.json();
    if (!response.ok) throw Object.assign(new Error(`etcd ${path}: ${json.message ?? response.status}`), { body: json });
    return json;
  }

  async leader() {
    for (const member of this.members) {
      if (!this.running(member)) continue;
      const status = await this.call(member, '/v3/maintenance/status');
      const leader = this.members.find((candidate) => status.leader && BigInt(status.leader) === BigInt(status.header.member_id) && candidate === member);
      if (leader) return leader;
    }
    for (const member of this.members) {
      if (!this.running(member)) continue;
      const status = await this.call(member, '/v3/maintenance/status');
      for (const candidate of this.members) {
        if (!this.running(candidate)) continue;
        const own = await this.call(candidate, '/v3/maintenance/status');
        if (own.header.member_id === status.leader) return candidate;
      }
    }
    throw new Error('no etcd leader');
  }

  running(member) {
    return member.child && member.child.exitCode === null && member.child.signalCode === null;
  }

  async kill(member) {
    if (!this.running(member)) return;
    const exited = new Promise((resolve) => member.child.once('exit', resolve));
    member.child.kill('SIGKILL');
    await exited;
  }

  async restart(member) {
    this.launch(member, 'existing');
    await this.waitHealthy(member);
  }

  async stop() {
    await Promise.all(this.members.map((member) => this.kill(member)));
    rmSync(this.root, { recursive: true, force: true });
  }
}
