import type { RawEvent, RawEventSink } from '@tapio/domain';

/** Keeps every RawEvent; tests wait for the one they caused. */
export class CollectingSink implements RawEventSink {
  readonly events: RawEvent[] = [];

  async emit(event: RawEvent): Promise<void> {
    this.events.push(event);
  }

  async waitFor(description: string, predicate: (event: RawEvent) => boolean, timeoutMs = 10_000): Promise<RawEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${description} within ${timeoutMs} ms (${this.events.length} kernel events seen)`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  matching(predicate: (event: RawEvent) => boolean): RawEvent[] {
    return this.events.filter(predicate);
  }
}

export function dataOf(event: RawEvent): Record<string, any> {
  return event.data as Record<string, any>;
}
