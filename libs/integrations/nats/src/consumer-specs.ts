import { partitionOf, type BusMessages, type BusTopic, type Logger, type SubscribeOptions } from '@tapio/domain';
import type { ConsumerSpec } from './durable-consumer.js';
import type { NatsBusOptions } from './options.js';
import { streamName } from './streams.js';
import { BROADCAST_TOKEN, messagePartitionKey, partFilter, topicFilter } from './subjects.js';

function durableToken(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * The durable consumers one subscription needs: one for the whole topic; or, for a
 * partition, the server-routed partition subject plus the broadcast part every worker
 * gets; or, when the partition count differs from `partitions`, one that filters on
 * the client (refused on workqueue streams, where overlapping consumers are not allowed).
 */
export function consumerSpecs(
  options: NatsBusOptions,
  logger: Logger,
  topic: BusTopic,
  group: string,
  partition: SubscribeOptions['partition'],
): ConsumerSpec[] {
  const stream = streamName(options, topic);
  const base = durableToken(group);
  if (!partition) return [{ topic, stream, durable: base, filter: topicFilter(topic, options.subjectPrefix) }];
  const durable = `${base}-p${partition.index}of${partition.count}`;
  if (partition.count === options.partitions) {
    // The server routes: this worker's partition, plus the broadcast part every worker gets.
    return [
      { topic, stream, durable, filter: partFilter(topic, `p${partition.index}`, options.subjectPrefix) },
      { topic, stream, durable: `${durable}-${BROADCAST_TOKEN}`, filter: partFilter(topic, BROADCAST_TOKEN, options.subjectPrefix) },
    ];
  }
  if (options.streams[topic].retention === 'workqueue') {
    throw new Error(
      `${group} asks for partition ${partition.index} of ${partition.count} on ${topic}, but bus.nats.partitions is ${options.partitions} ` +
        `and stream ${stream} is a workqueue (overlapping consumers refused): set bus.nats.partitions to ${partition.count}`,
    );
  }
  logger.warn(
    { topic, group, partition, partitions: options.partitions },
    'partition count differs from bus.nats.partitions: every worker receives every message and filters it (set them equal for server-side routing)',
  );
  return [
    {
      topic,
      stream,
      durable,
      filter: topicFilter(topic, options.subjectPrefix),
      accepts: (message) => {
        const key = messagePartitionKey(topic, message as BusMessages[typeof topic]);
        return key === null || partitionOf(key, partition.count) === partition.index;
      },
    },
  ];
}
