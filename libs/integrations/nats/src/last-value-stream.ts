import { DeliverPolicy, JetStreamApiError, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { NatsBusOptions } from './options.js';

/**
 * A key-value bucket on plain JetStream, without another client package (what NATS's own
 * key-value buckets are): one stream keeping the last message of each subject, one subject
 * per key. The consumers' failure counts (`_FAILURES`) are one; the transformer state's
 * key-value stream of earlier versions (`_STATE`, read once to move it into the state log)
 * was the other.
 */
export interface LastValueStream {
  name: string;
  /** The subjects the stream takes, ending in `>`: every key's subject starts with it minus the `>`. */
  subjects: string;
  /** How long a value is kept (none: for good). */
  maxAgeMs?: number;
  /** Values kept at most (the oldest goes first). */
  maxMessages?: number;
}

/** Creates the stream, with the storage and replicas of the bus's raw stream; safe to race with other processes. */
export async function ensureLastValueStream(jsm: JetStreamManager, stream: LastValueStream, options: Pick<NatsBusOptions, 'streams'>): Promise<void> {
  const config = {
    name: stream.name,
    subjects: [stream.subjects],
    max_msgs_per_subject: 1,
    storage: options.streams.raw.storage,
    num_replicas: options.streams.raw.replicas,
    ...(stream.maxMessages === undefined ? {} : { max_msgs: stream.maxMessages }),
    ...(stream.maxAgeMs === undefined ? {} : { max_age: nanos(stream.maxAgeMs) }),
  };
  try {
    await jsm.streams.add(config as never);
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || !/already in use|already exists/i.test(error.message)) throw error;
  }
}

/**
 * Every last value under `filter` (a subject ending in `>`), oldest first, each with the
 * subject's part after the filter's `>`. Fetched in batches until one comes back empty (the
 * pending count of a consumer that delivers the last message per subject is not reliable on
 * nats-server 2.9).
 */
export async function readLastValues(
  js: JetStreamClient,
  jsm: JetStreamManager,
  stream: string,
  filter: string,
  batch: number,
): Promise<Array<{ tail: string; data: Uint8Array }>> {
  const values: Array<{ tail: string; data: Uint8Array }> = [];
  if ((await jsm.streams.info(stream)).state.messages === 0) return values;
  const consumer = await js.consumers.get(stream, { filter_subjects: filter, deliver_policy: DeliverPolicy.LastPerSubject });
  const offset = filter.length - 1;
  for (;;) {
    let received = 0;
    for await (const msg of await consumer.fetch({ max_messages: batch, expires: 1_000 })) {
      received += 1;
      values.push({ tail: msg.subject.slice(offset), data: msg.data });
    }
    if (received === 0) return values;
  }
}
