import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goTool } from '../../../../../tools/go-tools/go-tools.mjs';
import { freePort } from '../../../../../tools/net/free-port.mjs';

/** A real Alertmanager (built by tools/setup.d/60-go-tools.sh) that forwards its notifications to `webhookUrl`. */
export async function startAlertmanager(webhookUrl: string): Promise<{ url: string; stop(): Promise<void>; log(): string }> {
  const binary = goTool('alertmanager');
  const dir = await mkdtemp(join(tmpdir(), 'tapio-alertmanager-'));
  const port = await freePort();
  await writeFile(
    join(dir, 'alertmanager.yml'),
    [
      'route:',
      '  receiver: hook',
      "  group_by: ['insight']",
      '  group_wait: 100ms',
      '  group_interval: 1s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: hook',
      '    webhook_configs:',
      `      - url: ${webhookUrl}/alertmanager`,
      '        send_resolved: true',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(binary, [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`alertmanager exited ${child.exitCode}:\n${log}`);
    if ((await fetch(`${url}/-/ready`).then((response) => response.ok, () => false))) break;
    if (Date.now() > deadline) throw new Error(`alertmanager not ready within 30 s:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('close', resolve));
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
