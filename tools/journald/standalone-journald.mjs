import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const JOURNALD_PATHS = ['/lib/systemd/systemd-journald', '/usr/lib/systemd/systemd-journald'];

function journaldBinary() {
  const found = JOURNALD_PATHS.find((path) => existsSync(path));
  if (!found) throw new Error(`systemd-journald not found (${JOURNALD_PATHS.join(', ')}): install Debian's systemd package (tools/setup.d/apt-packages.txt)`);
  return found;
}

/**
 * A real systemd-journald started on its own, as on a node whose PID 1 is not systemd: in a
 * private mount namespace where a per-run folder is bind-mounted over /run, so its sockets
 * (/run/systemd/journal) and its volatile journal (/run/log/journal) are this run's alone.
 * Writers (systemd-cat, logger) enter that namespace with nsenter; readers use the folder.
 * Used by the journal collector's tests and benchmark.
 */
export class StandaloneJournald {
  /** A fresh folder for one run; journald is started with `start()`. */
  static create() {
    journaldBinary();
    return new StandaloneJournald(mkdtempSync(join(tmpdir(), 'tapio-journald-')));
  }

  constructor(root) {
    this.root = root;
    this.child = undefined;
  }

  get runDir() {
    return join(this.root, 'run');
  }
  /** The folder journalctl --directory reads. */
  get journalDir() {
    return join(this.runDir, 'log', 'journal');
  }
  /** journald's native protocol socket (datagrams of KEY=value lines). */
  get nativeSocket() {
    return join(this.runDir, 'systemd', 'journal', 'socket');
  }
  get varlinkSocket() {
    return join(this.runDir, 'systemd', 'journal', 'io.systemd.journal');
  }
  get pid() {
    if (!this.child?.pid) throw new Error('journald is not running');
    return this.child.pid;
  }

  async start() {
    const binary = journaldBinary();
    mkdirSync(join(this.runDir, 'systemd', 'journald.conf.d'), { recursive: true });
    // Tests write faster than journald's default rate limit allows; kernel messages are read.
    writeFileSync(join(this.runDir, 'systemd', 'journald.conf.d', 'tapio-test.conf'), '[Journal]\nStorage=volatile\nReadKMsg=yes\nRateLimitIntervalSec=0\n');
    const script = 'mount --make-rprivate / && mount --bind "$1" /run && exec "$2"';
    const child = spawn('unshare', ['--mount', 'sh', '-c', script, 'journald', this.runDir, binary], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk.toString()));
    const deadline = Date.now() + 10_000;
    while (!existsSync(this.varlinkSocket) || !this.hasJournalFile()) {
      if (child.exitCode !== null) throw new Error(`systemd-journald exited with ${child.exitCode}: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`systemd-journald did not come up within 10 s: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  hasJournalFile() {
    if (!existsSync(this.journalDir)) return false;
    return readdirSync(this.journalDir).some((machine) => existsSync(join(this.journalDir, machine, 'system.journal')));
  }

  /** Kills journald (SIGKILL, as a crash would), keeping its journal; its sockets then refuse. */
  async kill() {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  enter(command, args, input) {
    const result = spawnSync('nsenter', [`--mount=/proc/${this.pid}/ns/mnt`, command, ...args], { input, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr || result.error?.message}`);
  }

  /** A line through journald's stdout transport, as a service's output. */
  systemdCat(identifier, text, priority = 'info') {
    this.enter('systemd-cat', ['-t', identifier, '-p', priority], `${text}\n`);
  }

  /** A syslog line through /dev/log. */
  logger(tag, text) {
    this.enter('logger', ['--socket=/run/systemd/journal/dev-log', '-t', tag, text]);
  }

  /** A structured entry through the native protocol (logger --journald), as systemd writes unit state changes. */
  structured(fields) {
    this.enter('logger', ['--journald'], `${Object.entries(fields).map(([key, value]) => `${key}=${value}`).join('\n')}\n`);
  }

  async stop() {
    await this.kill();
    rmSync(this.root, { recursive: true, force: true });
  }
}
