/** A real systemd-journald in a private mount namespace with a per-run /run (see the .mjs). */
export class StandaloneJournald {
  static create(): StandaloneJournald;
  readonly root: string;
  readonly runDir: string;
  readonly journalDir: string;
  readonly nativeSocket: string;
  readonly varlinkSocket: string;
  readonly pid: number;
  start(): Promise<void>;
  kill(): Promise<void>;
  systemdCat(identifier: string, text: string, priority?: string): void;
  logger(tag: string, text: string): void;
  structured(fields: Record<string, string>): void;
  stop(): Promise<void>;
}
