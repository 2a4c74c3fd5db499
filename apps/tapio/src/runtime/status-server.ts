import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from '@tapio/domain';
import { readiness, type HealthReport } from '@tapio/api';

/** `status:` in tapio.yaml: where a process without the REST API answers probes and scrapes. */
export interface StatusConfig {
  host: string;
  port: number;
}

/**
 * Liveness, readiness and metrics for the modes that serve no REST API (collectors,
 * transformer, correlation): what a kubelet probes and Prometheus scrapes. The same
 * answers as the API's /healthz, /readyz and /metrics, without the graph or Fastify.
 */
export class StatusServer {
  private server: Server | undefined;

  constructor(
    private readonly config: StatusConfig,
    private readonly deps: { health: () => HealthReport; metrics: Metrics },
  ) {}

  /** The URL it listens on, once started. */
  url(): string | undefined {
    const address = this.server?.address() as AddressInfo | null | undefined;
    return address ? `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}` : undefined;
  }

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      const send = (code: number, type: string, body: string) => response.writeHead(code, { 'content-type': type }).end(body);
      if (request.method !== 'GET') return send(405, 'text/plain', 'only GET\n');
      if (path === '/healthz') return send(200, 'application/json', JSON.stringify({ status: 'ok' }));
      if (path === '/readyz') {
        const ready = readiness(this.deps.health());
        return send(ready.status === 'down' ? 503 : 200, 'application/json', JSON.stringify(ready));
      }
      if (path === '/metrics') {
        const openmetrics = (request.headers.accept ?? '').includes('application/openmetrics-text');
        this.deps.metrics.render(openmetrics ? 'openmetrics' : 'prometheus').then(
          (rendered) => send(200, rendered.contentType, rendered.text),
          (error: Error) => send(500, 'text/plain', `metrics: ${error.message}\n`),
        );
        return;
      }
      send(404, 'text/plain', 'not found: /healthz, /readyz, /metrics\n');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(new Error(`status: cannot listen on ${this.config.host}:${this.config.port} (${error.code ?? error.message}); change status.host / status.port in the configuration`)),
      );
      server.listen(this.config.port, this.config.host, () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
