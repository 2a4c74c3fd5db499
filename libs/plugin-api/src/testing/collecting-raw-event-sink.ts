import type { RawEvent } from '../events/raw-event.js';
import type { RawEventSink } from '../ports/collector.js';

/**
 * A RawEventSink for a collector's tests: keeps every RawEvent the collector emits and
 * lets the test wait for the one its action caused. A wait that times out says what it
 * waited for and which event types arrived instead, so a failing collector test explains
 * itself.
 */
export class CollectingRawEventSink implements RawEventSink {
  readonly events: RawEvent[] = [];

  constructor(private readonly defaultTimeoutMs = 10_000) {}

  emit(event: RawEvent): Promise<void> {
    this.events.push(event);
    return Promise.resolve();
  }

  matching(predicate: (event: RawEvent) => boolean): RawEvent[] {
    return this.events.filter(predicate);
  }

  /** The first event that matches, once it has arrived; rejects after the timeout. */
  async waitFor(description: string, predicate: (event: RawEvent) => boolean, timeoutMs = this.defaultTimeoutMs): Promise<RawEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${description} within ${timeoutMs} ms (${this.events.length} events seen: ${this.seenTypes()})`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private seenTypes(): string {
    const counts = new Map<string, number>();
    for (const event of this.events) counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
    return [...counts].map(([type, count]) => `${type} ×${count}`).join(', ') || 'none';
  }
}
