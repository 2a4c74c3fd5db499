import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeMock, type KubeMock } from '../../../libs/collectors/kubeapi/test/support/kube-mock-server.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TAPIO = join(ROOT, 'bin/tapio');
const run = promisify(execFile);

describe('tapio record against a running Kubernetes API server', () => {
  let mock: KubeMock;
  let dir: string;

  beforeAll(async () => {
    mock = await startKubeMock();
    dir = await mkdtemp(join(tmpdir(), 'tapio-record-'));
  });

  afterAll(async () => {
    await mock?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes the starting state as kubeapi RawEvents that tapio analyze replays', async () => {
    await mock.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    await mock.request('POST', '/api/v1/namespaces/shop/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'checkout-config', namespace: 'shop' }, data: { 'application.yaml': 'port: 8080\n' } });
    const config = join(dir, 'tapio.yaml');
    await writeFile(config, `cluster: lab\nlog:\n  level: warn\ncollectors:\n  kubeapi:\n    kubeconfig: ${mock.writeKubeconfig()}\n    watchTransport: websocket\n`);
    const output = join(dir, 'recording.ndjson');

    const recorded = await run(TAPIO, ['record', '-config', config, '-output', output, '-duration', '3s'], { cwd: dir });
    expect(recorded.stderr).toMatch(/recorded \d+ events/);

    const lines = (await readFile(output, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { source: string; type: string; metadata: Record<string, string>; data: { type: string; object: { kind: string; metadata: { name: string } } } });
    const configMap = lines.find((line) => line.data.object.kind === 'ConfigMap' && line.data.object.metadata.name === 'checkout-config');
    expect(configMap).toMatchObject({ source: 'kubeapi', type: 'ADDED', metadata: { cluster: 'lab', collector: 'kubeapi' }, data: { type: 'ADDED' } });

    const analyzed = await run(TAPIO, ['analyze', output, '--json'], { cwd: dir });
    const document = JSON.parse(analyzed.stdout) as { insights: unknown[]; events: number; rejected: number };
    expect(document.rejected).toBe(0);
    expect(document.events).toBeGreaterThanOrEqual(lines.length);
  });

  it('refuses a malformed duration with a usage error', async () => {
    const failure = await run(TAPIO, ['record', '-output', join(dir, 'x.ndjson'), '-duration', 'soon'], { cwd: dir }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('-duration');
  });
});
