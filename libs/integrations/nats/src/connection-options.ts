import { readFileSync } from 'node:fs';
import { credsAuthenticator, nkeyAuthenticator, type ConnectionOptions } from '@nats-io/transport-node';
import { parseDuration } from '@tapio/domain';
import type { NatsBusOptions } from './options.js';

function readSecret(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    throw new Error(`cannot read ${what} ${path}: ${(error as Error).message}`);
  }
}

/** The servers as one readable string, for health and errors. */
export function describeServers(options: NatsBusOptions): string {
  return Array.isArray(options.servers) ? options.servers.join(',') : options.servers;
}

/**
 * NATS.js connection options from the bus options. Reconnection is the client's job
 * once connected (forever, jittered); the first connection is retried by the bus so it
 * can report why it cannot connect. Files are read here, at each attempt, so a secret
 * mounted late is picked up.
 */
export function connectionOptions(options: NatsBusOptions): ConnectionOptions {
  const auth = options.auth;
  const result: ConnectionOptions = {
    servers: options.servers,
    name: options.name,
    timeout: parseDuration(options.connect.timeout),
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: parseDuration(options.connect.initialDelay),
    waitOnFirstConnect: false,
    // Auth errors during reconnect are usually a rotated secret: keep trying.
    ignoreAuthErrorAbort: true,
    // Otherwise every request (each JetStream publish of the transformer's state store, each
    // pull) builds an Error up front to keep its caller's stack: 6-10% of the transformer
    // stage's CPU in its profile. Timeouts still say which subject timed out.
    noAsyncTraces: true,
  };
  if (auth?.user !== undefined) {
    result.user = auth.user;
    if (auth.password !== undefined) result.pass = auth.password;
  }
  if (auth?.token !== undefined) result.token = auth.token;
  if (auth?.credsFile !== undefined) {
    result.authenticator = credsAuthenticator(new TextEncoder().encode(readSecret(auth.credsFile, 'NATS credentials file (auth.credsFile)')));
  } else if (auth?.nkeySeed !== undefined || auth?.nkeySeedFile !== undefined) {
    const seed = auth.nkeySeed ?? readSecret(auth.nkeySeedFile as string, 'NKey seed file (auth.nkeySeedFile)');
    result.authenticator = nkeyAuthenticator(new TextEncoder().encode(seed));
  }
  const tls = options.tls;
  if (tls) {
    result.tls = {};
    if (tls.caFile !== undefined) result.tls.caFile = tls.caFile;
    if (tls.certFile !== undefined) result.tls.certFile = tls.certFile;
    if (tls.keyFile !== undefined) result.tls.keyFile = tls.keyFile;
    if (tls.handshakeFirst !== undefined) result.tls.handshakeFirst = tls.handshakeFirst;
  }
  return result;
}
