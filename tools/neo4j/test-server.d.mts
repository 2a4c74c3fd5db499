export interface Neo4jTestServerOptions {
  /** Fixed port; a free one by default. */
  port?: number;
  /** Enables authentication with user neo4j and this password; off by default. */
  password?: string;
  heapMb?: number;
  pageCacheMb?: number;
  startTimeoutMs?: number;
}

export interface Neo4jTestServer {
  uri: string;
  port: number;
  dataDir: string;
  halt(): Promise<void>;
  resume(): Promise<void>;
  restart(): Promise<void>;
  kill(): Promise<void>;
  /** SIGSTOP: connections stay open and nothing answers (a hung server). */
  freeze(): void;
  /** SIGCONT after freeze(). */
  thaw(): void;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export { freePort } from '../net/free-port.mjs';
export function startNeo4j(options?: Neo4jTestServerOptions): Promise<Neo4jTestServer>;
