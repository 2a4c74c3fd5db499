import { DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { CircuitBreaker, parseDuration, type ComponentHealth, type Logger, type StateStore } from '@tapio/domain';
import { connectionOptions, describeServers } from './connection-options.js';
import { ElementJson } from './element-json.js';
import { readLastValues } from './last-value-stream.js';
import type { NatsBusOptions } from './options.js';
import { isOutage } from './publish-outcomes.js';
import { JetStreamPublisher } from './publisher.js';
import { foldStateMessages, wholeJson } from './state-batches.js';
import { StateLog } from './state-log.js';

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How long close() waits for the writes in flight. */
const CLOSE_GRACE_MS = 5_000;

/** A message's text at most (an entry longer goes alone): well under the server's 1 MB max_payload even in multi-byte text. */
const MAX_MESSAGE_CHARS = 256 * 1024;
/** A snapshot once the log since the last one is past 8 M characters and 4 times the live state: it adds at most a quarter to what is stored. */
const COMPACT_AFTER_CHARS = 8 * 1024 * 1024;
const COMPACT_RATIO = 4;

/** A scope as one subject token: base64url has only letters, digits, `-` and `_`. */
const token = (text: string): string => Buffer.from(text, 'utf8').toString('base64url') || '_';
const untoken = (text: string): string => Buffer.from(text, 'base64url').toString('utf8');

/**
 * Durable key-value state on JetStream, kept as a log per scope: one stream
 * (`<streamPrefix>_STATE_LOG`, file storage, no age limit) with a subject per scope
 * `<subjectPrefix>.state-log.<scope>`, whose messages are batches of the keys changed (a
 * StateLog: one batch in flight, what is written meanwhile coalesced into the next) and now
 * and then a snapshot of every live key, after which the older messages are purged. A
 * write resolves once its batch is stored. Batches go through the pipelined publisher (one
 * reply inbox, one timeout sweep, sent again after a timeout or a lost connection); with
 * one batch in flight a resend is stored before the next batch, so the log keeps the
 * writes' order. It has its own connection, so the state's writes do not queue behind the
 * bus's publishes. The key-value stream it replaced (`<streamPrefix>_STATE`, the last
 * message per key) is still read at load, and emptied of a scope once a snapshot holds it.
 */
export class NatsStateStore implements StateStore {
  private connection: Promise<{ nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager }> | undefined;
  private closed = false;
  private reason: string | undefined = 'not connected yet';
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();
  private readonly publisher: JetStreamPublisher;
  private readonly circuit: CircuitBreaker;
  private readonly logs = new Map<string, Promise<StateLog>>();
  /** The scopes read back, by subject (for health). */
  private readonly ready = new Map<string, StateLog>();
  /** A write waiting longer than this (2 × publish.ackTimeout: sent at least twice) makes health degraded, naming its scope. */
  private readonly slowWriteMs: number;
  private readonly json = new ElementJson();

  constructor(
    private readonly options: NatsBusOptions,
    private readonly logger: Logger,
    /** Snapshot thresholds: tests make them small. */
    private readonly compaction = { afterChars: COMPACT_AFTER_CHARS, ratio: COMPACT_RATIO },
  ) {
    this.circuit = new CircuitBreaker('nats-state', options.publish.circuit, { target: `NATS at ${describeServers(options)} (transformer state)`, counts: isOutage });
    const ackTimeoutMs = parseDuration(options.publish.ackTimeout);
    this.slowWriteMs = 2 * ackTimeoutMs;
    this.publisher = new JetStreamPublisher({ maxInFlight: options.publish.maxInFlight, maxBuffered: options.publish.maxBuffered, ackTimeoutMs, circuit: this.circuit });
  }

  private get prefix(): string {
    return this.options.subjectPrefix ? `${this.options.subjectPrefix}.` : '';
  }

  private get stream(): string {
    return `${this.options.streamPrefix}_STATE_LOG`;
  }

  /** The key-value stream of earlier versions: one subject per key, `<prefix>state.<scope>.<key>`. */
  private get keyValueStream(): string {
    return `${this.options.streamPrefix}_STATE`;
  }

  /** The scope's subjects in the key-value stream of earlier versions (the scope as is, each key base64url). */
  private keyValueFilter(scope: string): string {
    return `${this.prefix}state.${scope}.>`;
  }

  private subject(scope: string): string {
    return `${this.prefix}state-log.${token(scope)}`;
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
    const config = { name: this.stream, subjects: [`${this.prefix}state-log.>`], storage: this.options.streams.raw.storage, num_replicas: this.options.streams.raw.replicas };
    try {
      await jsm.streams.add(config as never);
    } catch (error) {
      if (!/already in use|already exists/i.test((error as Error).message)) throw error;
    }
  }

  async load(scope: string): Promise<Array<[string, unknown]>> {
    const log = await this.scopeLog(scope);
    const entries: Array<[string, unknown]> = [];
    for (const [key, json] of log.entries()) entries.push([key, JSON.parse(wholeJson(json))]);
    this.logger.info({ scope, entries: entries.length }, 'transformer state loaded from NATS');
    return entries;
  }

  async write(scope: string, changes: ReadonlyArray<readonly [string, unknown]>): Promise<void> {
    if (changes.length === 0) return;
    if (this.closed) throw new Error('state store closed');
    const log = await this.scopeLog(scope);
    await log.write(changes.map(([key, value]) => [key, value === undefined ? undefined : this.json.json(value)] as const));
  }

  /** The scope's log, read back from the server the first time (a write needs every live key: a snapshot holds them all). */
  private scopeLog(scope: string): Promise<StateLog> {
    let log = this.logs.get(scope);
    if (!log) {
      log = this.readScope(scope);
      this.logs.set(scope, log);
      log.catch(() => this.logs.delete(scope));
    }
    return log;
  }

  private async readScope(scope: string): Promise<StateLog> {
    const { js, jsm } = await this.connect();
    const legacy = await this.readKeyValues(js, jsm, scope);
    const texts = await this.readLog(js, scope);
    const entries = foldStateMessages(texts, legacy);
    const subject = this.subject(scope);
    let keyValuesLeft = legacy.size > 0;
    const log = new StateLog(
      {
        // Its id: a copy sent again within the duplicate window is not stored twice (the fold skips one stored anyway).
        send: (text, id) => this.publisher.publish(subject, this.encoder.encode(text), id),
        purgeBefore: async (seq) => {
          // The connection of the moment: the one the scope was read on may have been replaced.
          const { jsm: manager } = await this.connect();
          // Nothing precedes the stream's first message (and nats-server takes a purge up to sequence 1 as one of the whole subject).
          if (seq > 1) await manager.streams.purge(this.stream, { filter: subject, seq });
          // The snapshot holds what the key-value stream had: it is not read again.
          if (keyValuesLeft) await manager.streams.purge(this.keyValueStream, { filter: this.keyValueFilter(scope) });
          keyValuesLeft = false;
        },
        maxMessageChars: MAX_MESSAGE_CHARS,
        compactAfterChars: this.compaction.afterChars,
        compactRatio: this.compaction.ratio,
      },
      entries,
      texts.reduce((sum, text) => sum + text.length, 0),
      legacy.size > 0,
    );
    this.ready.set(subject, log);
    if (legacy.size > 0) this.logger.info({ scope, entries: legacy.size }, 'transformer state found in the key-value stream of earlier versions: moved into the log with the next write');
    return log;
  }

  /** What the key-value stream of earlier versions holds for the scope (none when that stream does not exist). */
  private async readKeyValues(js: JetStreamClient, jsm: JetStreamManager, scope: string): Promise<Map<string, unknown>> {
    const entries = new Map<string, unknown>();
    const filter = this.keyValueFilter(scope);
    try {
      await jsm.streams.info(this.keyValueStream);
    } catch {
      return entries;
    }
    for (const { tail, data } of await readLastValues(js, jsm, this.keyValueStream, filter, 5_000)) {
      if (data.length === 0) entries.delete(untoken(tail));
      else entries.set(untoken(tail), JSON.parse(this.decoder.decode(data)));
    }
    return entries;
  }

  /** Every message of the scope's log, in stream order. */
  private async readLog(js: JetStreamClient, scope: string): Promise<string[]> {
    const subject = this.subject(scope);
    const texts: string[] = [];
    // How many to read: the consumer's own count of the subject's messages. The stream's
    // per-subject counts (stream info with subjects_filter) are not reliable: nats-server
    // 2.9 reports none for a subject right after a purge up to a sequence (a snapshot's),
    // which read as an empty log and restarted the transformer without its state.
    const consumer = await js.consumers.get(this.stream, { filter_subjects: subject, deliver_policy: DeliverPolicy.All });
    const count = (await consumer.info()).num_pending;
    while (texts.length < count) {
      let received = 0;
      for await (const msg of await consumer.fetch({ max_messages: Math.min(1_000, count - texts.length), expires: 2_000 })) {
        received += 1;
        texts.push(this.decoder.decode(msg.data));
      }
      if (received === 0) break;
    }
    return texts;
  }

  /**
   * Degraded while not connected, or while a write has waited for the server longer than
   * `slowWriteMs` (it is sent again until stored, and the RawEvent that made it is not
   * acknowledged meanwhile): the scope's subject and what the publisher holds say where it is stuck.
   */
  health(): ComponentHealth {
    if (this.reason) return { status: 'degraded', reason: this.reason };
    let oldest: { subject: string; waitingMs: number } | undefined;
    for (const [subject, log] of this.ready) {
      const waitingMs = log.waitingMs();
      if (waitingMs !== undefined && waitingMs > (oldest?.waitingMs ?? -1)) oldest = { subject, waitingMs };
    }
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
    const idle = Promise.all([...this.ready.values()].map((log) => log.whenIdle())).then(() => this.publisher.whenIdle());
    await Promise.race([idle, new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)))]);
    clearTimeout(timer);
    this.publisher.close('state store closed');
    const connection = await this.connection?.catch(() => undefined);
    await connection?.nc.drain().catch(() => undefined);
  }
}
