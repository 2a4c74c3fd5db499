import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { CircuitBreaker, parseDuration, type ComponentHealth, type Logger, type StateStore } from '@tapio/domain';
import { connectionOptions, describeServers } from './connection-options.js';
import { ElementJson } from './element-json.js';
import { OrderedKeyWrites } from './keyed-writes.js';
import { ensureLastValueStream, readLastValues } from './last-value-stream.js';
import type { NatsBusOptions } from './options.js';
import { isOutage } from './publish-outcomes.js';
import { JetStreamPublisher } from './publisher.js';

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A removed key's value. */
const EMPTY = new Uint8Array(0);

/** How long close() waits for the writes still in flight. */
const CLOSE_GRACE_MS = 5_000;


/** A key as one subject token: base64url has only letters, digits, `-` and `_`. */
const keyToken = (key: string): string => Buffer.from(key, 'utf8').toString('base64url') || '_';
const tokenKey = (token: string): string => Buffer.from(token, 'base64url').toString('utf8');

/**
 * Durable key-value state on JetStream: one stream (`<streamPrefix>_STATE`) keeping the last
 * message of each subject `<subjectPrefix>.state.<scope>.<key>`, file storage, no age limit
 * (what NATS's own key-value buckets are, without another client package). A write is one
 * publish per key, acknowledged once stored; a removal publishes an empty value. Writes go
 * through the pipelined publisher (one reply inbox, one timeout sweep, sent again after a
 * timeout or a lost connection) rather than a request each, at most one in flight per key
 * (OrderedKeyWrites: a resend never puts an older value over a newer one). It has its own
 * connection, so the transformer's state writes do not queue behind the bus's publishes.
 */
export class NatsStateStore implements StateStore {
  private connection: Promise<{ nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager }> | undefined;
  private closed = false;
  private reason: string | undefined = 'not connected yet';
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();
  private readonly publisher: JetStreamPublisher;
  private readonly circuit: CircuitBreaker;
  private readonly writes: OrderedKeyWrites;
  /** A write waiting longer than this (2 × publish.ackTimeout: sent at least twice) makes health degraded, naming its key. */
  private readonly slowWriteMs: number;
  private readonly json = new ElementJson();

  constructor(
    private readonly options: NatsBusOptions,
    private readonly logger: Logger,
  ) {
    this.circuit = new CircuitBreaker('nats-state', options.publish.circuit, { target: `NATS at ${describeServers(options)} (transformer state)`, counts: isOutage });
    const ackTimeoutMs = parseDuration(options.publish.ackTimeout);
    this.slowWriteMs = 2 * ackTimeoutMs;
    this.publisher = new JetStreamPublisher({ maxInFlight: options.publish.maxInFlight, maxBuffered: options.publish.maxBuffered, ackTimeoutMs, circuit: this.circuit });
    // No Nats-Msg-Id: with one write of a key in flight, a value stored twice is still that value.
    this.writes = new OrderedKeyWrites((subject, payload) => this.publisher.publish(subject, payload, ''));
  }

  private get stream(): string {
    return `${this.options.streamPrefix}_STATE`;
  }

  private subject(scope: string, key?: string): string {
    const prefix = this.options.subjectPrefix ? `${this.options.subjectPrefix}.` : '';
    return `${prefix}state.${scope}.${key === undefined ? '>' : keyToken(key)}`;
  }

  /** Connects (retrying while the server is away: a transformer cannot work without its state) and creates the stream. */
  private connect(): Promise<{ nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager }> {
    this.connection ??= (async () => {
      for (let attempt = 1; ; attempt += 1) {
        if (this.closed) throw new Error('state store closed');
        try {
          const nc = await connect({ ...connectionOptions(this.options), name: `${this.options.name}-state` });
          const jsm = await jetstreamManager(nc);
          await this.ensureStream(jsm);
          this.reason = undefined;
          this.follow(nc);
          return { nc, js: jetstream(nc), jsm };
        } catch (error) {
          this.reason = `cannot reach NATS at ${describeServers(this.options)} for the transformer state: ${(error as Error).message}`;
          this.logger.warn({ attempt }, this.reason);
          await delay(Math.min(5_000, 250 * attempt));
        }
      }
    })();
    return this.connection;
  }

  /**
   * The publisher sends while the connection is up and holds what is written while it is
   * down (sending it again after a reconnect). A connection the client gave up on is
   * replaced: the next connect() makes a new one, started at once for what is held.
   */
  private follow(nc: NatsConnection): void {
    this.publisher.attach(nc);
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect') {
          this.reason = `lost the connection to NATS at ${status.server} for the transformer state; reconnecting`;
          this.publisher.detach();
        } else if (status.type === 'reconnect') {
          this.reason = undefined;
          this.publisher.attach(nc);
        }
      }
    })();
    void nc.closed().then(() => {
      this.publisher.detach();
      if (this.closed) return;
      this.reason = 'the connection to NATS for the transformer state closed; connecting again';
      this.connection = undefined;
      void this.connect().catch(() => undefined);
    });
  }

  private async ensureStream(jsm: JetStreamManager): Promise<void> {
    const prefix = this.options.subjectPrefix ? `${this.options.subjectPrefix}.` : '';
    await ensureLastValueStream(jsm, { name: this.stream, subjects: `${prefix}state.>` }, this.options);
  }

  async load(scope: string): Promise<Array<[string, unknown]>> {
    const { js, jsm } = await this.connect();
    const entries = new Map<string, unknown>();
    for (const { tail, data } of await readLastValues(js, jsm, this.stream, this.subject(scope), 5_000)) {
      const key = tokenKey(tail);
      if (data.length === 0) entries.delete(key);
      else entries.set(key, JSON.parse(this.decoder.decode(data)));
    }
    this.logger.info({ scope, entries: entries.size }, 'transformer state loaded from NATS');
    return [...entries];
  }

  async write(scope: string, changes: ReadonlyArray<readonly [string, unknown]>): Promise<void> {
    if (changes.length === 0) return;
    if (this.closed) throw new Error('state store closed');
    if (!this.connection) await this.connect();
    // In call order per key (OrderedKeyWrites), so the last write of a key is the one kept.
    const stored: Array<Promise<void>> = [];
    for (const [key, value] of changes) stored.push(this.writes.write(this.subject(scope, key), value === undefined ? EMPTY : this.encoder.encode(this.json.stringify(value))));
    await Promise.all(stored);
  }

  /**
   * Degraded while not connected, or while a write has waited for the server longer than
   * `slowWriteMs` (it is sent again until stored, and the RawEvent that made it is not
   * acknowledged meanwhile): the key and what the publisher holds say where it is stuck.
   */
  health(): ComponentHealth {
    if (this.reason) return { status: 'degraded', reason: this.reason };
    const oldest = this.writes.oldest();
    if (oldest && oldest.waitingMs > this.slowWriteMs) {
      const publisher = this.publisher;
      const lastError = publisher.lastError ? `; last error: ${publisher.lastError}` : '';
      return {
        status: 'degraded',
        reason: `transformer state write of ${oldest.subject} waiting ${Math.round(oldest.waitingMs / 1000)} s for NATS (${publisher.sending} awaiting acknowledgement, ${publisher.buffered} held, circuit ${this.circuit.state}, ${publisher.counters.retries} sent again${lastError})`,
      };
    }
    return { status: 'ok' };
  }

  /** Waits (up to CLOSE_GRACE_MS) for the writes in flight, then fails what is left and closes. */
  async close(): Promise<void> {
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.publisher.whenIdle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)))]);
    clearTimeout(timer);
    this.publisher.close('state store closed');
    const connection = await this.connection?.catch(() => undefined);
    await connection?.nc.drain().catch(() => undefined);
  }
}
