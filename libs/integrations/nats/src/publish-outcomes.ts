// How a JetStream publish can end, as the publisher and its circuit breaker tell them apart.

/** `publish()` refused a message because the bounded buffer was full; the message is counted in `dropped`. */
export class BusOverflowError extends Error {
  constructor(subject: string, id: string, buffered: number, why: string) {
    super(`NATS publish buffer full (${buffered} messages, ${why}); dropped ${subject} message ${id}`);
    this.name = 'BusOverflowError';
  }
}

/** Refused for good: sending it again cannot succeed. */
export function isPermanent(error: Error): boolean {
  return /max(imum)?[ _]payload|message size exceeds|invalid subject/i.test(error.message);
}

/**
 * What the circuit counts: NATS not answering, the connection lost, JetStream not there
 * (503). Not a refusal for good, and not a full stream: that is the server answering at once
 * with backpressure, which the short shared pause handles.
 */
export function isOutage(error: unknown): boolean {
  return !(error instanceof Error) || !(isPermanent(error) || /maximum (messages|bytes|messages per subject) exceeded/i.test(error.message));
}

/** JetStream's answer to a publish. */
export interface PubAckReply {
  stream?: string;
  seq?: number;
  duplicate?: boolean;
  error?: { code?: number; err_code?: number; description?: string };
}
