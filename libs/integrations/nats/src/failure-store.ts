import { JetStreamApiError, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { FailureRecord, FailureStore } from './failure-book.js';
import { ensureLastValueStream, readLastValues } from './last-value-stream.js';
import type { NatsBusOptions } from './options.js';

/** How long a message's failures are kept: as long as the bus's streams keep a message by default. */
const FAILURES_MAX_AGE_MS = 24 * 60 * 60_000;
/** Failing messages remembered at most (a flood of them forgets the oldest: they then get more tries, never fewer). */
const FAILURES_MAX_MESSAGES = 100_000;

/**
 * The failure counts of messages that failed and are not settled, kept on JetStream so that
 * a consumer process killed between two failures of a message (kill -9, OOM, a rollout) does
 * not start its count again: one stream `<streamPrefix>_FAILURES` keeping the last message
 * of each subject `<subjectPrefix>.failures.<stream>.<durable>.<sequence>.<index>` (a
 * LastValueStream, like the transformer's state). Only
 * failures write to it: a message handled at its first try never touches it.
 */
export class NatsFailureStore implements FailureStore {
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly options: Pick<NatsBusOptions, 'streamPrefix' | 'subjectPrefix' | 'streams'>,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
  ) {}

  private get stream(): string {
    return `${this.options.streamPrefix}_FAILURES`;
  }

  /** FailureBook keys are `stream/durable/sequence/index`; NATS names hold no `/` nor `.`. */
  private subject(key: string): string {
    const prefix = this.options.subjectPrefix ? `${this.options.subjectPrefix}.` : '';
    return `${prefix}failures.${key.split('/').join('.')}`;
  }

  /** Creates the stream (safe to race with other processes). */
  async ensure(): Promise<void> {
    await ensureLastValueStream(
      this.jsm,
      { name: this.stream, subjects: this.subject('>'), maxAgeMs: FAILURES_MAX_AGE_MS, maxMessages: FAILURES_MAX_MESSAGES },
      this.options,
    );
  }

  /** Every failure counted for one durable's messages (read when its consumer starts). */
  async load(stream: string, durable: string): Promise<Map<string, FailureRecord>> {
    const records = new Map<string, FailureRecord>();
    for (const { tail, data } of await readLastValues(this.js, this.jsm, this.stream, this.subject(`${stream}/${durable}/>`), 1_000)) {
      records.set(`${stream}/${durable}/${tail.split('.').join('/')}`, JSON.parse(this.decoder.decode(data)) as FailureRecord);
    }
    return records;
  }

  async get(key: string): Promise<FailureRecord | undefined> {
    try {
      const stored = await this.jsm.streams.getMessage(this.stream, { last_by_subj: this.subject(key) });
      return stored ? stored.json<FailureRecord>() : undefined;
    } catch (error) {
      // Older servers answer "no message found" with an error rather than nothing.
      if (error instanceof JetStreamApiError && /no message found/i.test(error.message)) return undefined;
      throw error;
    }
  }

  async put(key: string, record: FailureRecord): Promise<void> {
    await this.js.publish(this.subject(key), this.encoder.encode(JSON.stringify(record)));
  }

  async remove(key: string): Promise<void> {
    await this.jsm.streams.purge(this.stream, { filter: this.subject(key) });
  }
}
