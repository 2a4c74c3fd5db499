/** A containerd of its own for one test run, with per-run root, state and sockets (see the .mjs). */
export class StandaloneContainerd {
  static create(): StandaloneContainerd;
  readonly root: string;
  readonly address: string;
  start(): Promise<void>;
  ctr(args: string[], namespace?: string): string;
  importBusybox(name?: string): string;
  kill(crash?: boolean): Promise<void>;
  stop(): Promise<void>;
}
