import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { ComponentHealth, Logger, StateStore } from '@tapio/domain';
import { connectionOptions, describeServers } from './connection-options.js';
import { ensureLastValueStream, readLastValues } from './last-value-stream.js';
import type { NatsBusOptions } from './options.js';

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A key as one subject token: base64url has only letters, digits, `-` and `_`. */
const keyToken = (key: string): string => Buffer.from(key, 'utf8').toString('base64url') || '_';
const tokenKey = (token: string): string => Buffer.from(token, 'base64url').toString('utf8');

/**
 * Durable key-value state on JetStream: one stream (`<streamPrefix>_STATE`) keeping the last
 * message of each subject `<subjectPrefix>.state.<scope>.<key>`, file storage, no age limit
 * (what NATS's own key-value buckets are, without another client package). A write is one
 * publish per key, acknowledged once stored; a removal publishes an empty value. It has its
 * own connection, so the transformer's state writes do not queue behind the bus's publishes.
 */
export class NatsStateStore implements StateStore {
  private connection: Promise<{ nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager }> | undefined;
  private closed = false;
  private reason: string | undefined = 'not connected yet';
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly options: NatsBusOptions,
    private readonly logger: Logger,
  ) {}

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
    const { js } = await this.connect();
    // Published in call order on one connection, so the last write of a key is the one kept.
    await Promise.all(changes.map(([key, value]) => js.publish(this.subject(scope, key), value === undefined ? new Uint8Array(0) : this.encoder.encode(JSON.stringify(value)))));
  }

  health(): ComponentHealth {
    return this.reason ? { status: 'degraded', reason: this.reason } : { status: 'ok' };
  }

  async close(): Promise<void> {
    this.closed = true;
    const connection = await this.connection?.catch(() => undefined);
    await connection?.nc.drain().catch(() => undefined);
  }
}
