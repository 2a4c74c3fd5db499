import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServerHandle } from '../../../../tools/nats/nats-server.mjs';
import { NatsEventBus, type NatsBusOptionsInput } from '../src/index.js';
import { unifiedEvent, waitFor } from './fixtures.js';

let withPassword: NatsServerHandle;
let withToken: NatsServerHandle;
const buses: NatsEventBus[] = [];

function bus(url: string, options: NatsBusOptionsInput): NatsEventBus {
  const created = new NatsEventBus({ servers: url, connect: { initialDelay: '100ms', maxDelay: '200ms', timeout: '1s' }, ...options });
  buses.push(created);
  return created;
}

beforeAll(async () => {
  [withPassword, withToken] = await Promise.all([
    startNatsServer({ args: ['--user', 'tapio', '--pass', 's3cret'] }),
    startNatsServer({ args: ['--auth', 'the-token'] }),
  ]);
});

afterEach(async () => {
  await Promise.all(buses.splice(0).map((created) => created.close()));
});

afterAll(async () => {
  await Promise.all([withPassword?.stop(), withToken?.stop()]);
});

describe('NatsEventBus authentication', () => {
  it('connects with user and password, and with a token', async () => {
    for (const [server, auth] of [[withPassword, { user: 'tapio', password: 's3cret' }], [withToken, { token: 'the-token' }]] as const) {
      const authed = bus(server.url, { auth });
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

  it('names a credentials file it cannot read', async () => {
    const missing = bus(withPassword.url, { auth: { credsFile: '/nonexistent/tapio.creds' } });
    void missing.start().catch(() => undefined);
    await waitFor('status down', () => missing.health().status === 'down');
    expect(missing.health().reason).toMatch(/cannot read NATS credentials file \(auth.credsFile\) \/nonexistent\/tapio.creds/);
  });
});
