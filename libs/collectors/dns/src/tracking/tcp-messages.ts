/**
 * DNS over TCP frames each message with a 2-byte length (RFC 1035 §4.2.2). Segments are
 * captured one by one (and only their first bytes), so per socket and direction this
 * remembers where the next message starts and yields each message start seen in a
 * segment; continuation bytes are skipped. A stream whose first seen segment is not at a
 * message start (capture attached mid-connection) resynchronises on nothing and stays
 * quiet, which is the safe side.
 */
export class TcpMessageSplitter {
  private readonly nextStart = new Map<string, { seq: number; seenMs: number }>();

  constructor(private readonly maxStreams = 16_384) {}

  /** Messages (each possibly cut at the capture size) that start in this segment. */
  split(stream: string, seq: number, payload: Buffer, payloadLength: number, nowMs: number): Buffer[] {
    const expected = this.nextStart.get(stream);
    if (expected && expected.seq !== seq) {
      // Mid-message continuation, or a retransmission of bytes already seen.
      return [];
    }
    const messages: Buffer[] = [];
    let offset = 0;
    while (offset + 2 <= payload.length) {
      const length = payload.readUInt16BE(offset);
      if (length === 0) break;
      messages.push(payload.subarray(offset + 2, Math.min(payload.length, offset + 2 + length)));
      offset += 2 + length;
    }
    // Where the next message begins, in sequence space: past the last message seen, which
    // may end in a later segment. When messages continue beyond the captured bytes of
    // this segment their starts are unknown; the next segment is then taken as a start.
    const next = offset >= payloadLength ? offset : payloadLength;
    this.nextStart.delete(stream);
    this.nextStart.set(stream, { seq: (seq + next) >>> 0, seenMs: nowMs });
    if (this.nextStart.size > this.maxStreams) {
      const oldest = this.nextStart.keys().next().value;
      if (oldest !== undefined) this.nextStart.delete(oldest);
    }
    return messages;
  }

  /** Forgets streams idle for longer than `idleMs`. */
  sweep(nowMs: number, idleMs: number): void {
    for (const [stream, state] of this.nextStart) if (nowMs - state.seenMs > idleMs) this.nextStart.delete(stream);
  }
}
