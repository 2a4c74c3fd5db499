import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nkeys } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServerHandle } from '../../../../tools/nats/nats-server.mjs';
import { NatsEventBus, type NatsBusOptionsInput } from '../src/index.js';
import { unifiedEvent, waitFor } from './fixtures.js';

let withPassword: NatsServerHandle;
let withToken: NatsServerHandle;
let withNkey: NatsServerHandle;
let withTls: NatsServerHandle;
let secrets: string;
let nkeySeedFile: string;
let caFile: string;

/** A CA and a server certificate for 127.0.0.1 (NATS.js checks an IP server's name as localhost), made with openssl. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=tapio-test-ca', '-keyout', file('ca.key'), '-out', file('ca.crt'));
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', file('server.key'), '-out', file('server.csr'));
  writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '1', '-extfile', file('san.ext'), '-out', file('server.crt'));
  return { ca: file('ca.crt'), cert: file('server.crt'), key: file('server.key') };
}
const buses: NatsEventBus[] = [];

function bus(url: string, options: NatsBusOptionsInput): NatsEventBus {
  const created = new NatsEventBus({ servers: url, connect: { initialDelay: '100ms', maxDelay: '200ms', timeout: '1s' }, ...options });
  buses.push(created);
  return created;
}

beforeAll(async () => {
  secrets = mkdtempSync(join(tmpdir(), 'tapio-nats-secrets-'));
  const user = nkeys.createUser();
  nkeySeedFile = join(secrets, 'user.nk');
  writeFileSync(nkeySeedFile, new TextDecoder().decode(user.getSeed()));
  const tls = makeCertificates(secrets);
  caFile = tls.ca;
  [withPassword, withToken, withNkey, withTls] = await Promise.all([
    startNatsServer({ args: ['--user', 'tapio', '--pass', 's3cret'] }),
    startNatsServer({ args: ['--auth', 'the-token'] }),
    startNatsServer({ config: `authorization { users = [ { nkey: ${user.getPublicKey()} } ] }` }),
    startNatsServer({ args: ['--tls', '--tlscert', tls.cert, '--tlskey', tls.key] }),
  ]);
});

afterEach(async () => {
  await Promise.all(buses.splice(0).map((created) => created.close()));
});

afterAll(async () => {
  await Promise.all([withPassword?.stop(), withToken?.stop(), withNkey?.stop(), withTls?.stop()]);
  if (secrets) rmSync(secrets, { recursive: true, force: true });
});

describe('NatsEventBus authentication', () => {
  it('connects with user and password, a token, an NKey seed file, and over TLS with a private CA', async () => {
    const cases: Array<[NatsServerHandle, NatsBusOptionsInput]> = [
      [withPassword, { auth: { user: 'tapio', password: 's3cret' } }],
      [withToken, { auth: { token: 'the-token' } }],
      [withNkey, { auth: { nkeySeedFile } }],
      [withTls, { tls: { caFile } }],
    ];
    for (const [server, options] of cases) {
      const authed = bus(server.url, options);
      const seen: string[] = [];
      await authed.subscribe('unified', 'correlation', async (event) => void seen.push(event.id));
      await authed.publish('unified', unifiedEvent('evt-auth', 'Pod', 'a', 'b'), 'evt-auth');
      await authed.drain();
      expect(seen).toEqual(['evt-auth']);
    }
  });

  it('reports refused credentials in health and keeps retrying', async () => {
    const refused = bus(withPassword.url, { auth: { user: 'tapio', password: 'wrong' } });
    void refused.start().catch(() => undefined);
    await waitFor('status down', () => refused.health().status === 'down');
    expect(refused.health().reason).toMatch(new RegExp(`cannot use NATS at ${withPassword.url}: .*(authorization|auth)`, 'i'));
  });

  it('refuses a TLS server whose certificate no configured CA signed', async () => {
    const untrusting = bus(withTls.url, {});
    void untrusting.start().catch(() => undefined);
    await waitFor('status down', () => untrusting.health().status === 'down');
    expect(untrusting.health().reason).toMatch(new RegExp(`cannot use NATS at ${withTls.url}: .*(certificate|TLS|tls)`, 'i'));
  });

  it('names a credentials file it cannot read', async () => {
    const missing = bus(withPassword.url, { auth: { credsFile: '/nonexistent/tapio.creds' } });
    void missing.start().catch(() => undefined);
    await waitFor('status down', () => missing.health().status === 'down');
    expect(missing.health().reason).toMatch(/cannot read NATS credentials file \(auth.credsFile\) \/nonexistent\/tapio.creds/);
  });
});
