import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { abortableSleep, parseDuration, type Logger } from '@tapio/domain';
import { connectionOptions, describeServers } from './connection-options.js';
import type { NatsBusOptions } from './options.js';
import { ensureStreams } from './streams.js';

export type ConnectionPhase = 'idle' | 'connecting' | 'down' | 'ready' | 'reconnecting' | 'closed';

/** What the bus does as the connection comes and goes. */
export interface ConnectorHooks {
  /** Connected, streams in place, before start() resolves: create the consumers. */
  onConnected(js: JetStreamClient, jsm: JetStreamManager): Promise<void>;
  /** Publishing may go on over `nc` (after connecting and after each reconnect). */
  onUp(nc: NatsConnection): void;
  /** The connection dropped and the client is reconnecting: buffer publishes. */
  onDown(): void;
  /** The client gave up on the connection (consumers are gone); a new one is being made. */
  onLost(): void;
}

/**
 * The bus's connection to NATS: connects on start() and keeps retrying with backoff
 * while NATS is unreachable (saying why in `reason`), re-creates the streams after a
 * reconnect, and starts over when the client gives up on a connection.
 */
export class NatsConnector {
  phase: ConnectionPhase = 'idle';
  reason: string | undefined;
  attempts = 0;
  reconnects = 0;
  server: string | undefined;
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private jsm: JetStreamManager | undefined;
  private starting: Promise<void> | undefined;
  private readyWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  private readonly abort = new AbortController();

  constructor(
    private readonly options: NatsBusOptions,
    private readonly logger: Logger,
    private readonly hooks: ConnectorHooks,
  ) {}

  /** Aborted when the bus closes: loops that wait on the connection stop. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** The JetStream clients of the current connection, if connected. */
  get clients(): { js: JetStreamClient; jsm: JetStreamManager } | undefined {
    return this.js && this.jsm ? { js: this.js, jsm: this.jsm } : undefined;
  }

  get manager(): JetStreamManager | undefined {
    return this.jsm;
  }

  /** Resolves once connected with the streams in place; retries (reporting in `reason`) until then. */
  start(): Promise<void> {
    if (this.phase === 'closed') return Promise.reject(new Error('NATS event bus is closed'));
    this.starting ??= this.connectLoop();
    if (this.phase === 'ready' || this.phase === 'reconnecting') return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** First step of closing: no more connecting. Returns whether the bus was connected. */
  beginClose(): boolean {
    const wasConnected = this.phase === 'ready';
    this.phase = 'closed';
    this.abort.abort();
    return wasConnected;
  }

  /** Last step of closing: sends the acknowledgements still buffered, then closes the connection. */
  async finishClose(wasConnected: boolean): Promise<void> {
    for (const waiter of this.readyWaiters.splice(0)) waiter.reject(new Error('NATS event bus closed before it could connect'));
    const nc = this.nc;
    this.nc = undefined;
    this.js = undefined;
    this.jsm = undefined;
    if (nc && !nc.isClosed()) {
      // Acknowledgements of the last handled messages are still in the client's buffer.
      if (wasConnected) await Promise.race([nc.flush().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1_000).unref())]);
      await nc.close();
    }
  }

  private async connectLoop(): Promise<void> {
    const servers = describeServers(this.options);
    let wait = parseDuration(this.options.connect.initialDelay);
    const maxWait = parseDuration(this.options.connect.maxDelay);
    this.phase = 'connecting';
    while (!this.abort.signal.aborted) {
      this.attempts += 1;
      let nc: NatsConnection | undefined;
      try {
        nc = await connect(connectionOptions(this.options));
        const jsm = await jetstreamManager(nc);
        await ensureStreams(jsm, this.options);
        if (this.abort.signal.aborted) {
          await nc.close();
          return;
        }
        await this.onConnected(nc, jsm);
        return;
      } catch (error) {
        if (nc && !nc.isClosed()) await nc.close().catch(() => undefined);
        if (this.abort.signal.aborted) return;
        this.phase = 'down';
        this.reason = `cannot use NATS at ${servers}: ${(error as Error).message} (attempt ${this.attempts}, next in ${wait} ms)`;
        this.logger.warn({ servers, attempt: this.attempts, err: error }, 'NATS unavailable; retrying');
        await abortableSleep(wait, this.abort.signal);
        wait = Math.min(maxWait, wait * 2);
      }
    }
  }

  private async onConnected(nc: NatsConnection, jsm: JetStreamManager): Promise<void> {
    const js = jetstream(nc);
    this.nc = nc;
    this.jsm = jsm;
    this.js = js;
    this.server = nc.getServer();
    void this.watchStatus(nc, jsm);
    void nc.closed().then((error) => this.onClosed(nc, error ?? undefined));
    // Consumers first: once start() resolves, drain() must see every subscription's backlog.
    await this.hooks.onConnected(js, jsm);
    if (this.abort.signal.aborted) return;
    this.phase = 'ready';
    this.reason = undefined;
    this.hooks.onUp(nc);
    this.logger.info({ server: this.server }, 'connected to NATS JetStream');
    for (const waiter of this.readyWaiters.splice(0)) waiter.resolve();
  }

  private async watchStatus(nc: NatsConnection, jsm: JetStreamManager): Promise<void> {
    for await (const status of nc.status()) {
      if (this.phase === 'closed' || this.nc !== nc) return;
      if (status.type === 'disconnect') {
        this.phase = 'reconnecting';
        this.reason = `lost the connection to NATS at ${status.server}; reconnecting`;
        this.hooks.onDown();
        this.logger.warn({ server: status.server }, 'NATS connection lost; buffering publishes');
      } else if (status.type === 'reconnect') {
        this.reconnects += 1;
        this.server = status.server;
        // A server that lost its store (memory storage, new volume) gets its streams back.
        await ensureStreams(jsm, this.options).catch((error: Error) => this.logger.error({ err: error }, 'cannot re-create NATS streams after reconnect'));
        if (this.abort.signal.aborted || this.nc !== nc) return;
        this.phase = 'ready';
        this.reason = undefined;
        this.hooks.onUp(nc);
        this.logger.info({ server: status.server }, 'NATS reconnected; resuming');
      }
    }
  }

  /** The client gave up on this connection (it normally reconnects forever): start over. */
  private onClosed(nc: NatsConnection, error: Error | undefined): void {
    if (this.phase === 'closed' || this.nc !== nc) return;
    this.logger.error({ err: error }, 'NATS connection closed; connecting again');
    this.hooks.onDown();
    this.hooks.onLost();
    this.nc = undefined;
    this.js = undefined;
    this.jsm = undefined;
    this.phase = 'down';
    this.reason = `NATS connection closed${error ? `: ${error.message}` : ''}; connecting again`;
    this.starting = this.connectLoop();
  }
}
