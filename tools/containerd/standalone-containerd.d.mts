/** A containerd of its own for one test run, with per-run root, state and sockets (see the .mjs). */
export class StandaloneContainerd {
  static create(): StandaloneContainerd;
  readonly root: string;
  readonly address: string;
  start(): Promise<void>;
  ctr(args: string[], namespace?: string): string;
  importBusybox(): string;
  kill(crash?: boolean): Promise<void>;
  stop(): Promise<void>;
}

/** The busybox-static image the test cluster builds: its OCI archive and image name. */
export function busyboxImage(): { archive: string; name: string };
