import type { ChildProcess } from 'node:child_process';

export interface EtcdMember {
  name: string;
  clientPort: number;
  peerPort: number;
  dataDir: string;
  child: ChildProcess | undefined;
  stderr: string;
}

/** The etcd binary the test cluster builds (tools/.cache/etcd-<version>/bin/etcd) or $TAPIO_ETCD. */
export function etcdBinary(): string;

/** etcd members on loopback with free ports and per-run data directories (see the .mjs). */
export class EtcdCluster {
  static start(size: number, extraArgs?: string[]): Promise<EtcdCluster>;
  readonly root: string;
  readonly members: EtcdMember[];
  readonly endpoints: string[];
  url(member: EtcdMember): string;
  call(member: EtcdMember, path: string, body?: unknown): Promise<any>;
  leader(): Promise<EtcdMember>;
  running(member: EtcdMember): boolean;
  kill(member: EtcdMember): Promise<void>;
  restart(member: EtcdMember): Promise<void>;
  waitHealthy(member: EtcdMember, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}
