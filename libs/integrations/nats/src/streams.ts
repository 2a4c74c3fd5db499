import { JetStreamApiError, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { parseDuration, type BusTopic } from '@tapio/domain';
import type { NatsBusOptions, NatsStreamSettings } from './options.js';
import { topicFilter } from './subjects.js';

export const TOPICS: readonly BusTopic[] = ['raw', 'unified', 'insights'];

export function streamName(options: Pick<NatsBusOptions, 'streamPrefix'>, topic: BusTopic): string {
  return `${options.streamPrefix}_${topic.toUpperCase()}`;
}

export function streamConfig(name: string, topic: BusTopic, settings: NatsStreamSettings, subjectPrefix = ''): Partial<StreamConfig> & { name: string } {
  const maxAgeMs = parseDuration(settings.maxAge);
  return {
    name,
    subjects: [topicFilter(topic, subjectPrefix)],
    retention: settings.retention,
    discard: settings.discard,
    max_age: nanos(maxAgeMs),
    max_msgs: settings.maxMessages,
    max_bytes: settings.maxBytes,
    storage: settings.storage,
    num_replicas: settings.replicas,
    // The server refuses a duplicate window longer than the stream keeps messages.
    duplicate_window: nanos(Math.min(parseDuration(settings.duplicateWindow), maxAgeMs)),
  } as Partial<StreamConfig> & { name: string };
}

/** NATS's words for "the streams' maxBytes do not fit", with what to change. */
function explain(error: unknown, options: NatsBusOptions): string {
  const message = (error as Error).message;
  if (!/insufficient storage/i.test(message)) return message;
  const reserved = TOPICS.reduce((sum, topic) => sum + Math.max(0, options.streams[topic].maxBytes), 0);
  return (
    `${message}: NATS reserves each stream's maxBytes (${(reserved / 1024 ** 3).toFixed(2)} GiB for Tapio's three) from its JetStream ` +
    `max_file_store; lower streams.*.maxBytes or give the NATS server more storage`
  );
}

function isNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && /not found/i.test(error.message);
}

/**
 * Creates each stream, or updates it to the configured settings. Idempotent, and safe
 * when several processes start at once. A change NATS cannot make in place (retention,
 * storage) is reported with what to do about it.
 */
export async function ensureStreams(jsm: JetStreamManager, options: NatsBusOptions): Promise<void> {
  for (const topic of TOPICS) {
    const name = streamName(options, topic);
    const settings = options.streams[topic];
    const wanted = streamConfig(name, topic, settings, options.subjectPrefix);
    let existing: StreamConfig | undefined;
    try {
      existing = (await jsm.streams.info(name)).config;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (!existing) {
      try {
        await jsm.streams.add(wanted);
        continue;
      } catch (error) {
        // Another process created it between our look and our add: fall through to update.
        if (!(error instanceof JetStreamApiError) || !/already in use|already exists/i.test(error.message)) {
          throw new Error(`cannot create NATS stream ${name} (${topicFilter(topic, options.subjectPrefix)}): ${explain(error, options)}`);
        }
        existing = (await jsm.streams.info(name)).config;
      }
    }
    for (const field of ['retention', 'storage'] as const) {
      if (existing[field] !== wanted[field]) {
        throw new Error(
          `NATS stream ${name} exists with ${field} "${existing[field]}" but the configuration asks for "${wanted[field]}"; ` +
            `NATS cannot change ${field} in place: remove the stream (nats stream rm ${name}) or keep ${field}: ${existing[field]}`,
        );
      }
    }
    try {
      await jsm.streams.update(name, { ...existing, ...wanted });
    } catch (error) {
      throw new Error(`cannot update NATS stream ${name} to the configured settings: ${explain(error, options)}`);
    }
  }
}
