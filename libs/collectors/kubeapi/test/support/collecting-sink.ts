import type { RawEvent, RawEventSink } from '@tapio/domain';

export interface KubeRawEvent extends RawEvent {
  data: { type: string; object: { kind: string; apiVersion: string; metadata: { name: string; namespace?: string; uid: string; resourceVersion: string; [key: string]: unknown }; [key: string]: unknown } };
}

/** Keeps every RawEvent emitted, and lets a test wait for the ones it expects. */
export class CollectingSink implements RawEventSink {
  readonly events: KubeRawEvent[] = [];
  private readonly waiters = new Set<() => void>();

  emit(event: RawEvent): Promise<void> {
    this.events.push(event as KubeRawEvent);
    for (const wake of this.waiters) wake();
    return Promise.resolve();
  }

  /** Events for one object, by kind and name. */
  of(kind: string, name: string): KubeRawEvent[] {
    return this.events.filter((event) => event.data.object.kind === kind && event.data.object.metadata.name === name);
  }

  async waitFor(description: string, predicate: (events: KubeRawEvent[]) => boolean, timeoutMs = 20_000): Promise<void> {
    if (predicate(this.events)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${description}; have ${this.events.length} events: ${this.summary()}`));
      }, timeoutMs);
      const check = (): void => {
        if (!predicate(this.events)) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  summary(): string {
    return this.events.map((event) => `${event.type} ${event.data.object.kind}/${event.data.object.metadata.name}`).join(', ');
  }
}

export async function waitUntil(description: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** Waits for the collector's initial sync, failing with its health report instead of hanging. */
export async function syncedWithin(collector: { synced(): Promise<void>; health(): unknown }, timeoutMs = 30_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`collector not synced after ${timeoutMs} ms: ${JSON.stringify(collector.health())}`)), timeoutMs);
  });
  try {
    await Promise.race([collector.synced(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
