import { DeliverPolicy, JetStreamApiError, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { FailureRecord, FailureStore } from './failure-book.js';
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
 * key-value bucket without another client package, as the transformer's state). Only
 * failures write to it: a message handled at its first try never touches it.
 */
export class NatsFailureStore implements FailureStore {
  private readonly encoder = new TextEncoder();

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
    const settings = this.options.streams.raw;
    const config = {
      name: this.stream,
      subjects: [this.subject('>')],
      max_msgs_per_subject: 1,
      max_msgs: FAILURES_MAX_MESSAGES,
      max_age: nanos(FAILURES_MAX_AGE_MS),
      storage: settings.storage,
      num_replicas: settings.replicas,
    };
    try {
      await this.jsm.streams.add(config as never);
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || !/already in use|already exists/i.test(error.message)) throw error;
    }
  }

  /** Every failure counted for one durable's messages (read when its consumer starts). */
  async load(stream: string, durable: string): Promise<Map<string, FailureRecord>> {
    const records = new Map<string, FailureRecord>();
    if ((await this.jsm.streams.info(this.stream)).state.messages === 0) return records;
    const filter = this.subject(`${stream}/${durable}/>`);
    const consumer = await this.js.consumers.get(this.stream, { filter_subjects: filter, deliver_policy: DeliverPolicy.LastPerSubject });
    const offset = filter.length - 1;
    for (;;) {
      let received = 0;
      for await (const msg of await consumer.fetch({ max_messages: 1_000, expires: 1_000 })) {
        received += 1;
        records.set(`${stream}/${durable}/${msg.subject.slice(offset).split('.').join('/')}`, msg.json<FailureRecord>());
      }
      if (received === 0) return records;
    }
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
