import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestCluster, type TestCluster } from '../../../tools/k8s/test-cluster.mjs';
import { freePort, startNatsServer, type NatsServerHandle } from '../../../tools/nats/nats-server.mjs';
import { killStartedTapios, startTapio, TAPIO, waitFor } from './support/tapio-process.js';

const run = promisify(execFile);

/** Every file under a directory, recursively (the JetStream store). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * Issue 16's "no Secret value anywhere": a known value is planted in a real API server
 * (tools/k8s, read under deploy/rbac.yaml's identity) and rotated while Tapio watches, and
 * in an old-style recording with values in clear, then every output Tapio
 * writes is searched for it, its base64 and its plain sha256: the `tapio record` file,
 * the dead-letter file, the logs, the embedded graph's snapshot, the API's answers, and
 * the NATS JetStream store of a real nats-server with -mode all over NATS.
 */
describe('a Secret value reaches no output of Tapio', () => {
  const planted = `planted-${randomUUID()}`;
  const rotated = `rotated-${randomUUID()}`;
  const forms = (value: string) => [value, Buffer.from(value).toString('base64'), createHash('sha256').update(value).digest('hex')];
  let cluster: TestCluster;
  let nats: NatsServerHandle;
  const ns = `secrets-${randomUUID().slice(0, 8)}`;
  let dir: string;

  const secret = (value: string) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: { name: 'payments-db', namespace: ns, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ kind: 'Secret', stringData: { password: value } }) } },
    data: { password: Buffer.from(value).toString('base64') },
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tapio-secrets-'));
    [cluster, nats] = await Promise.all([useTestCluster(), startNatsServer()]);
    await cluster.kubectl(['create', 'namespace', ns]);
    await cluster.kubectl(['apply', '-f', '-'], { input: JSON.stringify(secret(planted)) });
  }, 300_000);

  afterAll(async () => {
    killStartedTapios();
    await cluster?.kubectl(['delete', 'namespace', ns, '--wait=false']);
    await nats?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('greps every output for the planted value and finds it nowhere', async () => {
    const kubeconfig = cluster.tapioKubeconfig;
    // An old recording: values in clear, a plain sha256 of one, a truncated line and an invalid one naming the Secret.
    const old = (value: string, uid: string, rv: string) =>
      JSON.stringify({ timestamp: '2026-03-02T10:00:00Z', source: 'kubeapi', type: 'ADDED', metadata: { cluster: 'lab', collector: 'kubeapi' }, data: { type: 'ADDED', object: { ...secret(value), metadata: { ...secret(value).metadata, uid, resourceVersion: rv }, stringData: { token: value } } } });
    const recordingIn = join(dir, 'old-recording.ndjson');
    await writeFile(recordingIn, [old(planted, 'old-1', '1'), old(planted, 'old-2', '2').slice(0, -7), old(planted, 'old-3', '3').replace('"2026-03-02T10:00:00Z"', '"not a time"'), ''].join('\n'));

    const apiPort = await freePort();
    const config = join(dir, 'tapio.yaml');
    const id = randomUUID().slice(0, 8);
    await writeFile(
      config,
      [
        'cluster: lab',
        'mode: all',
        'log:',
        '  level: debug',
        '  format: json',
        'bus:',
        '  type: nats',
        '  nats:',
        `    servers: ${nats.url}`,
        `    streamPrefix: S${id}`,
        `    subjectPrefix: s${id}`,
        'graph:',
        '  type: memory',
        '  memory:',
        `    snapshotFile: ${join(dir, 'graph.ndjson')}`,
        'deadLetters:',
        `  file: ${join(dir, 'dead-letters.ndjson')}`,
        'api:',
        `  port: ${apiPort}`,
        'collectors:',
        '  replay:',
        `    file: ${recordingIn}`,
        '  kubeapi:',
        `    kubeconfig: ${kubeconfig}`,
        '    kinds: [Namespace, Secret]',
        `    namespaces: { include: [${ns}] }`,
        '',
      ].join('\n'),
    );

    const tapio = startTapio(['-config', config], dir);
    const server = `http://127.0.0.1:${apiPort}`;
    const events = async () => (await (await fetch(`${server}/api/v1/events?limit=1000`)).json()) as { items?: Array<{ type: string; entity?: { name: string; uid?: string } }> };
    await waitFor('the live Secret in the graph', async () => ((await events()).items?.some((event) => event.entity?.name === 'payments-db' && event.entity.uid !== 'old-1') ? true : undefined), 60_000, tapio.log);

    // A rotation while Tapio watches: the value changes, the metadata does not.
    await cluster.kubectl(['apply', '-f', '-'], { input: JSON.stringify(secret(rotated)) });
    await waitFor('the rotation as secret_changed', async () => ((await events()).items?.some((event) => event.type === 'secret_changed' && event.entity?.name === 'payments-db') ? true : undefined), 60_000, tapio.log);

    const answers: string[] = [];
    for (const path of ['/api/v1/events?limit=1000', `/api/v1/why/secret/${ns}/payments-db`, `/api/v1/impact/secret/${ns}/payments-db`, '/api/v1/insights', '/readyz', '/healthz', '/metrics']) {
      answers.push(`${path}: ${await (await fetch(`${server}${path}`)).text()}`);
    }
    // No hash of a value through /api/v1/events: a Secret's facts carry no contentHash unless keyed fingerprints were opted in.
    const secretFacts = ((await (await fetch(`${server}/api/v1/events?limit=1000`)).json()) as { items: Array<{ kubernetes?: { object?: { kind: string; contentHash?: string; dataKeys?: string[] } } }> }).items
      .map((event) => event.kubernetes?.object)
      .filter((object) => object?.kind === 'Secret');
    expect(secretFacts.length).toBeGreaterThan(0);
    expect(secretFacts.filter((object) => object?.contentHash !== undefined)).toEqual([]);
    expect(secretFacts.some((object) => object?.dataKeys?.includes('password'))).toBe(true);
    tapio.child.kill('SIGTERM');
    expect(await tapio.exited).toBe(0);

    const recordingOut = join(dir, 'recorded.ndjson');
    const recorded = await run(TAPIO, ['record', '-config', config, '-output', recordingOut, '-duration', '2s'], { cwd: dir });
    const log = tapio.log() + recorded.stdout + recorded.stderr;
    expect(recorded.stderr).not.toContain('MaxListenersExceededWarning');

    const outputs: Array<[string, Buffer]> = [
      ['tapio record file', readFileSync(recordingOut)],
      ['dead-letter file', readFileSync(join(dir, 'dead-letters.ndjson'))],
      ['logs', Buffer.from(log)],
      ['graph snapshot', readFileSync(join(dir, 'graph.ndjson'))],
      ['API answers', Buffer.from(answers.join('\n'))],
      ...filesUnder(nats.storeDir).map((file): [string, Buffer] => [`NATS store ${file.slice(nats.storeDir.length)}`, readFileSync(file)]),
    ];
    // The outputs are real: each one holds what it should, so finding nothing means something.
    expect(readFileSync(recordingOut, 'utf8')).toContain('payments-db');
    expect(readFileSync(join(dir, 'dead-letters.ndjson'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(readFileSync(join(dir, 'graph.ndjson'), 'utf8')).toContain('payments-db');
    expect(outputs.filter(([name, bytes]) => name.startsWith('NATS store') && bytes.includes('payments-db')).length).toBeGreaterThan(0);
    expect(statSync(join(dir, 'dead-letters.ndjson')).mode & 0o777).toBe(0o600);
    const found = outputs.flatMap(([name, bytes]) => [...forms(planted), ...forms(rotated)].filter((form) => bytes.includes(form)).map((form) => `${name} contains ${form}`));
    expect(found).toEqual([]);
  }, 180_000);
});
