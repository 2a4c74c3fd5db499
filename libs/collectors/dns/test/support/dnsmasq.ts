import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { freePort } from '../../../../../tools/net/free-port.mjs';
import { dnsQuery } from './dns-wire.js';


/**
 * dnsmasq (Debian) on 127.0.0.1 and a random port: `*.nx.tapio.test` gets NXDOMAIN,
 * `*.silent.tapio.test` is forwarded to an upstream that never answers.
 */
export class TestDnsServer {
  port = 0;
  private process: ChildProcess | undefined;
  private silent: Socket | undefined;
  private log = '';

  async start(): Promise<void> {
    this.silent = createSocket('udp4');
    await new Promise<void>((resolve) => (this.silent as Socket).bind(0, '127.0.0.1', resolve));
    const silentPort = this.silent.address().port;
    this.port = await freePort();
    this.process = spawn('dnsmasq', [
      '--keep-in-foreground', '--no-resolv', '--no-hosts', '--conf-file=/dev/null', '--listen-address=127.0.0.1', '--bind-interfaces',
      `--port=${this.port}`, '--user=root', '--pid-file=', '--log-facility=-', '--cache-size=0',
      '--address=/nx.tapio.test/', `--server=/silent.tapio.test/127.0.0.1#${silentPort}`,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process.stdout?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    this.process.stderr?.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    await this.waitUntilAnswering();
  }

  private async waitUntilAnswering(): Promise<void> {
    const deadline = Date.now() + 10_000;
    const probe = createSocket('udp4');
    try {
      while (Date.now() < deadline) {
        if (this.process?.exitCode !== null) throw new Error(`dnsmasq exited: ${this.log}`);
        const answered = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), 200);
          probe.once('message', () => {
            clearTimeout(timer);
            resolve(true);
          });
          probe.send(dnsQuery(1, 'ready.nx.tapio.test'), this.port, '127.0.0.1');
        });
        if (answered) return;
      }
      throw new Error(`dnsmasq did not answer on 127.0.0.1:${this.port}: ${this.log}`);
    } finally {
      probe.close();
    }
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    this.silent?.close();
  }
}
