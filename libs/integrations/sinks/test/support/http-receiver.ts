import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local HTTP receiver: records every request; `fail(n, status)` makes the next n answer that status. */
export class HttpReceiver {
  readonly received: Received[] = [];
  private failures: number[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const status = this.failures.shift();
        if (status === undefined) this.received.push({ path: request.url ?? '', headers: request.headers, body });
        response.writeHead(status ?? 200, { 'content-type': 'text/plain' });
        response.end(status ? `failing on purpose (${status})` : 'ok');
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  fail(times: number, status = 500): void {
    this.failures.push(...Array.from({ length: times }, () => status));
  }

  /** Answers every request again (forgets the failures still to come). */
  heal(): void {
    this.failures.length = 0;
  }

  json<T = unknown>(): T[] {
    return this.received.map((item) => JSON.parse(item.body) as T);
  }

  async waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`receiver got ${this.received.length} of ${count} requests within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
