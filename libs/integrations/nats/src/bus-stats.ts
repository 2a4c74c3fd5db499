import type { BusStats } from '@tapio/domain';

export interface NatsBusStats extends BusStats {
  /** Publishes the server recognised as repeats of a stored id (not stored again). */
  duplicates: number;
  /** Accepted by publish() and not yet sent (disconnected, or the window is full). */
  buffered: number;
  /** Sent and waiting for the server's acknowledgement. */
  inFlight: number;
  retries: number;
  rejected: number;
  redelivered: number;
  deadLettered: number;
  skipped: number;
  /** Events completed here before and delivered again, skipped (consumer side of batch envelopes). */
  duplicatesSkipped: number;
  /** Batch envelopes published (messages of more than one event), and the events they carried. */
  envelopes: number;
  enveloped: number;
  reconnects: number;
}
