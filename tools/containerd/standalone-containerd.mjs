import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterVersion } from '../cluster-versions.mjs';

const TOOLS = new URL('..', import.meta.url).pathname;

/** The busybox-static image the test cluster builds (tools/k8s/build/images.sh): archive and name. */
export function busyboxImage() {
  const images = clusterVersion('IMAGES_VERSION');
  const archive = join(TOOLS, '.cache', `images-${images}-coredns-${clusterVersion('COREDNS_VERSION')}`, 'busybox.tar');
  if (!existsSync(archive)) throw new Error(`${archive} not built: run tools/setup.d/60-k8s-cluster.sh (tools/k8s/build/images.sh)`);
  return { archive, name: `tapio.local/busybox:${images}` };
}

/**
 * A containerd of its own for one test run (Debian's containerd package): root, state,
 * gRPC and ttrpc sockets under a per-run folder, the CRI plugin off, the native snapshotter,
 * so it never touches the node's (or the test cluster's) containerd. `ctr` talks to it.
 */
export class StandaloneContainerd {
  static create() {
    for (const binary of ['containerd', 'ctr', 'runc']) {
      try {
        execFileSync('sh', ['-c', `command -v ${binary}`]);
      } catch {
        throw new Error(`${binary} not found: install Debian's containerd and runc packages (tools/setup.d/apt-packages.txt)`);
      }
    }
    return new StandaloneContainerd(mkdtempSync(join(tmpdir(), 'tapio-containerd-')));
  }

  constructor(root) {
    this.root = root;
    this.child = undefined;
    this.address = join(root, 'containerd.sock');
  }

  async start() {
    mkdirSync(join(this.root, 'root'), { recursive: true });
    const config = [
      'version = 2',
      `root = "${join(this.root, 'root')}"`,
      `state = "${join(this.root, 'state')}"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      '[grpc]',
      `  address = "${this.address}"`,
      '[ttrpc]',
      `  address = "${this.address}.ttrpc"`,
      '[debug]',
      `  address = "${this.address}.debug"`,
    ].join('\n');
    writeFileSync(join(this.root, 'config.toml'), `${config}\n`);
    const child = spawn('containerd', ['--config', join(this.root, 'config.toml'), '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`containerd exited with ${child.exitCode}: ${stderr}`);
      if (existsSync(this.address)) {
        try {
          this.ctr(['version']);
          return;
        } catch {
          // not serving yet
        }
      }
      if (Date.now() > deadline) throw new Error(`containerd did not come up within 15 s: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Runs ctr against this containerd; returns its output. */
  ctr(args, namespace = 'k8s.io') {
    return execFileSync('ctr', ['--address', this.address, '--namespace', namespace, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Imports the test cluster's busybox-static image (no pulls); returns its name. */
  importBusybox() {
    const { archive, name } = busyboxImage();
    this.ctr(['images', 'import', '--snapshotter', 'native', archive]);
    return name;
  }

  /** Stops containerd (SIGKILL when `crash`), keeping its state for a restart. */
  async kill(crash = false) {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(crash ? 'SIGKILL' : 'SIGTERM');
    await exited;
  }

  async stop() {
    try {
      for (const line of this.ctr(['tasks', 'ls', '-q']).split('\n').filter(Boolean)) {
        try {
          this.ctr(['tasks', 'kill', '-s', 'SIGKILL', line]);
        } catch {
          // already gone
        }
      }
    } catch {
      // containerd not running
    }
    await this.kill();
    try {
      execFileSync('umount', ['-R', this.root], { stdio: 'ignore' });
    } catch {
      // nothing mounted
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}
