import type { BusTopic, DeadLetterSink, Logger } from '@tapio/domain';
import type { MessageCodec } from './codec.js';
import type { FailureBook } from './failure-book.js';

export interface ConsumerSpec {
  topic: BusTopic;
  stream: string;
  durable: string;
  filter: string;
  /** Client-side partition filter: false means "another worker's", acknowledged and skipped. */
  accepts?: (message: unknown) => boolean;
}

export interface ConsumerSettings {
  /** Real handler failures (threw, or hung while its process lived) before a message is dead-lettered. */
  maxFailures: number;
  /** Deliveries before a message is dead-lettered whatever happened to them: the backstop for one that kills its consumer every time. */
  maxDeliver: number;
  ackWaitMs: number;
  prefetch: number;
  retryDelayMs: number;
  concurrency: number;
  /** The stream's duplicate window: how long completed event ids are remembered to skip them when they come again. */
  duplicateWindowMs: number;
}

export interface ConsumerCounters {
  delivered: number;
  /** Handler rejections sent back for another delivery. */
  redelivered: number;
  deadLettered: number;
  /** Other partitions' messages seen by a client-side partition filter. */
  skipped: number;
  /** Events completed here before and delivered again (in a message sent back for another event, or re-published in another envelope): skipped. */
  duplicatesSkipped: number;
}

export interface ConsumerDeps {
  codec: MessageCodec;
  counters: ConsumerCounters;
  deadLetters: DeadLetterSink | undefined;
  /** Shared by the bus's consumers, kept across reconnects. */
  failures: FailureBook;
  logger: Logger;
  onError: (error: string | undefined) => void;
}
