import type { DnsCapture } from '../capture/decode-dns-capture.js';
import type { DnsMessage } from '../dns/dns-message.js';

export interface PendingQuery {
  key: string;
  capture: DnsCapture;
  message: DnsMessage;
  firstSentMs: number;
  attempts: number;
}

export type QueryOutcome =
  | { kind: 'answered'; query: PendingQuery; response: DnsMessage; responseCapture: DnsCapture; latencyMs: number }
  | { kind: 'timeout'; query: PendingQuery; waitedMs: number };

/**
 * Pairs questions with answers: key = client socket, message id, name and type, so a
 * retry of the same question counts as another attempt of the first (latency runs from
 * the first send). Unanswered questions time out when swept. Bounded: past `maxPending`
 * the oldest question is forgotten (counted by the caller through the return value).
 */
export class QueryTracker {
  private readonly pending = new Map<string, PendingQuery>();

  constructor(private readonly maxPending = 50_000) {}

  private static key(cookie: bigint, message: DnsMessage): string {
    return `${cookie}:${message.id}:${message.name}:${message.type}`;
  }

  /** Returns true when an older question had to be forgotten to make room. */
  query(capture: DnsCapture, message: DnsMessage, nowMs: number): boolean {
    const key = QueryTracker.key(capture.socketCookie, message);
    const known = this.pending.get(key);
    if (known) {
      known.attempts++;
      return false;
    }
    this.pending.set(key, { key, capture, message, firstSentMs: nowMs, attempts: 1 });
    if (this.pending.size <= this.maxPending) return false;
    const oldest = this.pending.keys().next().value;
    if (oldest !== undefined) this.pending.delete(oldest);
    return true;
  }

  response(capture: DnsCapture, message: DnsMessage, nowMs: number): QueryOutcome | undefined {
    const key = QueryTracker.key(capture.socketCookie, message);
    const query = this.pending.get(key);
    if (!query) return undefined;
    this.pending.delete(key);
    const latencyNs = capture.bootNs - query.capture.bootNs;
    const latencyMs = latencyNs > 0n ? Number(latencyNs) / 1e6 : Math.max(0, nowMs - query.firstSentMs);
    return { kind: 'answered', query, response: message, responseCapture: capture, latencyMs };
  }

  /** Questions older than `timeoutMs`, removed. */
  expire(nowMs: number, timeoutMs: number): QueryOutcome[] {
    const expired: QueryOutcome[] = [];
    for (const [key, query] of this.pending) {
      // Insertion order is send order: stop at the first one still in time.
      if (nowMs - query.firstSentMs < timeoutMs) break;
      this.pending.delete(key);
      expired.push({ kind: 'timeout', query, waitedMs: nowMs - query.firstSentMs });
    }
    return expired;
  }

  get size(): number {
    return this.pending.size;
  }
}
