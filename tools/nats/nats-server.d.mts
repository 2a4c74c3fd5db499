export interface NatsServerHandle {
  /** nats://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  readonly pid: number | undefined;
  /** Recent server log, for failure messages. */
  log(): string;
  /** "running (pid N)" or how it ended: for failure messages. */
  status(): string;
  /** Graceful stop, optional pause, then start again on the same port with the same store. */
  restart(downMs?: number): Promise<void>;
  /** Stops the server, keeping the store (start it again with restart()). */
  pause(): Promise<void>;
  /** SIGKILL: the crash case. */
  kill(): Promise<void>;
  /** Stops the server and removes the temporary store it created. */
  stop(): Promise<void>;
}

export interface StartNatsServerOptions {
  port?: number;
  storeDir?: string;
  /** Extra nats-server flags, e.g. ['--user', 'u', '--pass', 'p'] or ['--auth', 'secret']. */
  args?: string[];
  /** Extra configuration file text, e.g. an `authorization { ... }` block. */
  config?: string;
  /**
   * The whole configuration instead of the generated jetstream block, given the store folder
   * (e.g. deploy/nats-server.conf with store_dir pointed there); the port is the -p flag's.
   */
  baseConfig?: (storeDir: string) => string;
  /** This nats-server binary instead of findNatsServer()'s (e.g. the Go-built one). */
  binary?: string;
  /** JetStream storage limit in bytes (every stream's max_bytes is reserved against it); default 1 TiB. */
  maxStore?: number;
  readyTimeoutMs?: number;
}

export function findNatsServer(): string;
export { freePort } from '../net/free-port.mjs';
export function startNatsServer(options?: StartNatsServerOptions): Promise<NatsServerHandle>;
